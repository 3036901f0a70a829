import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { DynamoAccountsRepository } from '../functions/accounts/adapters/dynamo-accounts-repository';
import { DynamoMailStore } from '../functions/mail/adapters/dynamo-mail-store';
import { AUDIENCE_PREFIX } from '../functions/mail/adapters/s3-audience-export';
import { SesMailer } from '../functions/mail/adapters/ses-mailer';
import { unsubscribeKey } from '../functions/mail/adapters/unsubscribe-key';
import { type CampaignDeps, type CampaignReport, runCampaign } from '../functions/mail/core/campaign';
import { MARKETING_TEMPLATES } from '../functions/mail/core/marketing-templates';
import { systemClock } from '../functions/shared/ports';
import { type Member, MemberSchema } from '../schemas/accounts/entities';

const USAGE = `Send a marketing campaign (PACScribe staff) [PP-19]. Every member of every organization is judged
by the send gate: only active providers (radiologists, clinicians) and facility administrators who opted in,
and whose address is not suppressed, receive it; each mail carries a one-click unsubscribe. A real run is
refused until a dry run of the same template content was recorded; a rerun sends nobody the same mail twice.

  npm run campaign -- --template NAME --dry-run      count who would receive it, record the dry run
  npm run campaign -- --template NAME                send it
  npm run campaign -- --audience                     list PACScribe's own audience export (S3)
  npm run campaign -- --list-templates

Templates: ${Object.keys(MARKETING_TEMPLATES).join(', ')}.
Where: the local stack (default; .pacscribe/local.json, or --data-dir DIR) or an AWS account:
  --profile P --region R --accounts-table T --mail-table T --from ADDRESS --configuration-set NAME
  --api-url https://api.example --unsubscribe-secret ARN [--audience-bucket B]
Options: --format json`;

const { values } = parseArgs({
  options: {
    template: { type: 'string' },
    'dry-run': { type: 'boolean' },
    audience: { type: 'boolean' },
    'list-templates': { type: 'boolean' },
    format: { type: 'string', default: 'text' },
    'data-dir': { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
    'accounts-table': { type: 'string' },
    'mail-table': { type: 'string' },
    from: { type: 'string' },
    'configuration-set': { type: 'string' },
    'api-url': { type: 'string' },
    'unsubscribe-secret': { type: 'string' },
    'audience-bucket': { type: 'string' },
    help: { type: 'boolean' },
  },
});

interface Connection {
  deps: CampaignDeps;
  s3: S3Client;
  audienceBucket: string | undefined;
  where: string;
  close(): void;
}

function connect(): Connection {
  let settings: {
    clientConfig: Record<string, unknown>;
    s3Config: Record<string, unknown>;
    accountsTable: string;
    mailTable: string;
    from: string;
    configurationSet: string;
    apiUrl: string;
    secret: string;
    audienceBucket: string | undefined;
    where: string;
    /** The local stand-ins' endpoints; absent in AWS. */
    endpoints?: { dynamodb: string; ses: string };
  };
  if (values.profile || values['accounts-table']) {
    const need = (name: keyof typeof values) => {
      const value = values[name];
      if (typeof value !== 'string' || !value) throw new Error(`With an AWS account, give --${name}.`);
      return value;
    };
    const region = need('region');
    const base = { region, ...(values.profile ? { profile: values.profile } : {}) };
    settings = {
      clientConfig: base,
      s3Config: base,
      accountsTable: need('accounts-table'),
      mailTable: need('mail-table'),
      from: need('from'),
      configurationSet: need('configuration-set'),
      apiUrl: need('api-url'),
      secret: need('unsubscribe-secret'),
      audienceBucket: values['audience-bucket'],
      where: `${region}`,
    };
  } else {
    const dataDir = path.resolve(values['data-dir'] ?? path.join(__dirname, '..', '.pacscribe'));
    const config = JSON.parse(readFileSync(path.join(dataDir, 'local.json'), 'utf8'));
    const env: Record<string, string> = config.handlerEnv;
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    settings = {
      clientConfig: { region: config.region, credentials },
      s3Config: {
        region: config.region,
        credentials,
        endpoint: config.endpoints.s3,
        forcePathStyle: true,
      },
      accountsTable: config.tables.accounts,
      mailTable: config.tables.mail,
      from: String(env.MAIL_FROM_ADDRESS),
      configurationSet: String(env.MAIL_CONFIGURATION_SET_NAME),
      apiUrl: config.apiUrl,
      secret: String(env.MAIL_UNSUBSCRIBE_SECRET),
      audienceBucket: config.mail?.audienceBucket,
      where: 'local stack',
      endpoints: config.endpoints,
    };
  }
  const { clientConfig, endpoints } = settings;
  const dynamo = new DynamoDBClient({
    ...clientConfig,
    ...(endpoints ? { endpoint: endpoints.dynamodb } : {}),
  });
  const ses = new SESv2Client({ ...clientConfig, ...(endpoints ? { endpoint: endpoints.ses } : {}) });
  const s3 = new S3Client(settings.s3Config);
  const documents = DynamoDBDocumentClient.from(dynamo);
  const store = new DynamoMailStore(documents, settings.mailTable);
  const accounts = new DynamoAccountsRepository(documents, settings.accountsTable);
  const listMembers = async (): Promise<Member[]> => {
    const members: Member[] = [];
    const pages = paginateScan(
      { client: documents },
      {
        TableName: settings.accountsTable,
        FilterExpression: 'sk = :member',
        ExpressionAttributeValues: { ':member': 'MEMBER' },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) members.push(MemberSchema.parse(item));
    }
    return members;
  };
  return {
    deps: {
      gate: {
        transport: new SesMailer(ses, settings.from, settings.configurationSet),
        recipients: accounts,
        store,
        unsubscribeKey: unsubscribeKey(settings.secret),
        clock: systemClock,
        apiBaseUrl: settings.apiUrl,
      },
      store,
      listMembers,
    },
    s3,
    audienceBucket: settings.audienceBucket,
    where: settings.where,
    close: () => {
      dynamo.destroy();
      ses.destroy();
      s3.destroy();
    },
  };
}

/** The staff view of PACScribe's own audience export: who is in it, by organization and role. */
async function listAudience(s3: S3Client, bucket: string) {
  const entries: { userId: string; orgId: string; email: string; role: string; updatedAt: string }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: AUDIENCE_PREFIX, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      entries.push(JSON.parse((await Body?.transformToString()) ?? '{}'));
    }
    token = page.NextContinuationToken;
  } while (token);
  return entries;
}

function describe(report: CampaignReport, where: string): string {
  const skipped = Object.entries(report.skipped)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${reason}`)
    .join(', ');
  const head = `${where}: campaign "${report.template}" (content ${report.contentHash.slice(0, 12)})`;
  if (report.dryRun) {
    return `${head} DRY RUN: ${report.eligible} of ${report.members} members would receive it; skipped: ${skipped || 'none'}. Recorded; a real run may follow.`;
  }
  return `${head}: sent ${report.sent}, already sent before ${report.alreadySent}, of ${report.members} members; skipped: ${skipped || 'none'}.`;
}

async function main(): Promise<void> {
  if (values['list-templates']) {
    for (const template of Object.values(MARKETING_TEMPLATES))
      console.log(`${template.name}\t${template.subject}`);
    return;
  }
  if (values.help || (!values.template && !values.audience)) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const connection = connect();
  try {
    if (values.audience) {
      if (!connection.audienceBucket) throw new Error('Give --audience-bucket.');
      const entries = await listAudience(connection.s3, connection.audienceBucket);
      if (values.format === 'json') console.log(JSON.stringify(entries));
      else {
        console.log(`${connection.where}: ${entries.length} people in the marketing audience export`);
        for (const entry of entries) console.log(`${entry.orgId}\t${entry.role}\t${entry.email}`);
      }
      return;
    }
    const report = await runCampaign(connection.deps, {
      template: String(values.template),
      dryRun: values['dry-run'] === true,
    });
    console.log(values.format === 'json' ? JSON.stringify(report) : describe(report, connection.where));
  } finally {
    connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
