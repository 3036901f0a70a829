import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SesMailer } from '../functions/mail/adapters/ses-mailer';
import { DynamoPolicyStore } from '../functions/policy/adapters/dynamo-policy-store';
import { FilePolicyLibrary } from '../functions/policy/adapters/file-policy-library';
import type { PublishDeps } from '../functions/policy/core/ports';
import { publishPolicyVersion } from '../functions/policy/core/publishing';
import { systemClock } from '../functions/shared/ports';
import { PolicyVersionSchema } from '../schemas/policy/policy';

const USAGE = `Publish a version of the privacy policy (PACScribe staff) [PP-23]. The text is the repository's
policies/privacy/<version>.md, deployed with the code; publishing records the version and, when its front
matter says material: true, mails every active user of every organization (transactional, whatever their
marketing preferences) and shows the notice on GET /v1/me until they acknowledge it. Running it again
mails nobody twice; it finishes whatever an interrupted run left undone.

  npm run policy:publish -- --version N [--format json]

Where: --local (default; reads .pacscribe/local.json, or --data-dir DIR) or
       --profile PROFILE --region REGION --table ACCOUNTS_TABLE_NAME --from MAIL_FROM_ADDRESS
       --configuration-set MAIL_CONFIGURATION_SET_NAME --app-url https://api.example (an AWS account).
--documents DIR reads the versions from another folder (default: the stack's, else policies/privacy).`;

const { values } = parseArgs({
  options: {
    version: { type: 'string' },
    format: { type: 'string', default: 'text' },
    local: { type: 'boolean' },
    'data-dir': { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
    table: { type: 'string' },
    from: { type: 'string' },
    'configuration-set': { type: 'string' },
    'app-url': { type: 'string' },
    documents: { type: 'string' },
    help: { type: 'boolean' },
  },
});

const REPOSITORY_DOCUMENTS = path.join(__dirname, '..', 'policies', 'privacy');

function connect(): { deps: PublishDeps; where: string; close(): void } {
  if (values.profile || values.table) {
    const { table, region, from } = values;
    const configurationSet = values['configuration-set'];
    const appUrl = values['app-url'];
    if (!table || !region || !from || !configurationSet || !appUrl) {
      throw new Error(
        'With an AWS account, give --region, --table, --from, --configuration-set and --app-url.',
      );
    }
    const credentials = values.profile ? { profile: values.profile } : {};
    const dynamo = new DynamoDBClient({ region, ...credentials });
    const ses = new SESv2Client({ region, ...credentials });
    return {
      deps: {
        library: new FilePolicyLibrary(values.documents ?? REPOSITORY_DOCUMENTS),
        store: new DynamoPolicyStore(DynamoDBDocumentClient.from(dynamo), table),
        mailer: new SesMailer(ses, from, configurationSet),
        clock: systemClock,
        appBaseUrl: appUrl,
      },
      where: `${region}/${table}`,
      close: () => {
        dynamo.destroy();
        ses.destroy();
      },
    };
  }
  const dataDir = path.resolve(values['data-dir'] ?? path.join(__dirname, '..', '.pacscribe'));
  const config = JSON.parse(readFileSync(path.join(dataDir, 'local.json'), 'utf8'));
  const env: Record<string, string> = config.handlerEnv;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const dynamo = new DynamoDBClient({
    endpoint: config.endpoints.dynamodb,
    region: config.region,
    credentials,
  });
  const ses = new SESv2Client({ endpoint: config.endpoints.ses, region: config.region, credentials });
  return {
    deps: {
      library: new FilePolicyLibrary(values.documents ?? env.PRIVACY_POLICY_DIR ?? REPOSITORY_DOCUMENTS),
      store: new DynamoPolicyStore(DynamoDBDocumentClient.from(dynamo), config.tables.accounts),
      mailer: new SesMailer(ses, String(env.MAIL_FROM_ADDRESS), String(env.MAIL_CONFIGURATION_SET_NAME)),
      clock: systemClock,
      appBaseUrl: config.apiUrl,
    },
    where: 'local stack',
    close: () => {
      dynamo.destroy();
      ses.destroy();
    },
  };
}

async function main(): Promise<void> {
  if (values.help || !values.version) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const version = PolicyVersionSchema.parse(values.version);
  const { deps, where, close } = connect();
  try {
    const result = await publishPolicyVersion(deps, version);
    if (values.format === 'json') {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(
      `${where}: version ${result.version} ${result.newlyPublished ? 'published' : 'was already published'}` +
        ` (${result.material ? 'material' : 'not material'}); ${result.notified} of ${result.activeUsers}` +
        ` active users notified now, ${result.alreadyNotified} before.`,
    );
  } finally {
    close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
