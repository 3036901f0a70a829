import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { generate } from 'selfsigned';
import { defaultHttpRuntime } from '../../functions/shared/composition/http-runtime';
import { systemClock } from '../../functions/shared/ports';
import { organizationAllowances } from '../../infra/api/capacity-model';
import { PROJECT_ROOT } from '../../infra/shared/project-root';
import { OVERDUE_CHECK_HANDLER } from '../../schemas/mail/env';
import { startAuditWitness } from './audit-witness';
import { startAwsCallTrace } from './aws-call-trace';
import {
  bootstrapResources,
  LOCAL_AUDIT_ARCHIVE_BUCKET,
  LOCAL_EXPORTS_BUCKET,
  LOCAL_IMAGING_BUCKET,
  LOCAL_IMAGING_REPLICA_BUCKET,
  LOCAL_MAIL_CONTACT_LIST,
  LOCAL_MARKETING_AUDIENCE_BUCKET,
  LOCAL_SUPPORT_INBOUND_BUCKET,
  LOCAL_SUPPORT_INBOUND_PREFIX,
  type LocalResources,
  localCheckpointKey,
  localSupportMessageKeyFile,
  localUnsubscribeSecretFile,
} from './bootstrap';
import { localConsoleConfig, localConsoleSite } from './console-site';
import { assertLocalEnvironment } from './environment';
import { authorizationServer, cognitoSignInPort, HOSTED_LOGIN_PATHS } from './hosted-login';
import { invokeLocal, loadHandlers } from './lambda-registry';
import { createLocalApi, LOCAL_PAGES_PREFIX, localRateLimit } from './router';
import { type DemoUser, seedDemoData } from './seed';
import { startCognito } from './services/cognito';
import { startDynamoDb } from './services/dynamodb';
import { startS3Process } from './services/s3';
import { startSes } from './services/ses';
import { localStateMachineArn, startStepFunctions } from './services/stepfunctions';
import { localStripeConfig, localStripePages } from './stripe-checkout';

/** What `npm start` writes to <dataDir>/local.json for people and tools (DESIGN §5). */
export interface LocalConfig {
  apiUrl: string;
  caCertPath: string;
  region: string;
  cognito: { endpoint: string; userPoolId: string; clientId: string };
  supportCognito: { endpoint: string; userPoolId: string; clientId: string };
  /**
   * The stand-in for the customer pool's hosted-UI domain, on the API's origin (scripts/local/hosted-login.ts):
   * what the console's config.json names as its authorization server.
   */
  oauth: {
    authorizationEndpoint: string;
    tokenEndpoint: string;
    revocationEndpoint: string;
    logoutEndpoint: string;
    clientId: string;
    redirectUri: string;
    logoutRedirectUri: string;
  };
  sesInboxUrl: string;
  sesStoreUrl: string;
  endpoints: { dynamodb: string; s3: string; ses: string; stepFunctions: string };
  tables: LocalResources['tables'];
  imagingBucket: string;
  /** PACScribe's own marketing audience export and the SES contact list (campaign tool, tests). */
  mail: { audienceBucket: string; contactList: string; contactListsFile: string };
  /** The audit archive and the public half of the checkpoint key, for audit:verify. */
  auditArchive: { bucket: string; checkpointPublicKeyPath: string };
  /**
   * The env the in-process handlers run with (names, endpoints and key-file paths; no secrets), so a
   * command such as `npm run mail:receive` can run a handler against this stack as the stack would.
   */
  handlerEnv: Record<string, string>;
  users: DemoUser[];
}

export interface LocalStackOptions {
  dataDir: string;
  reset?: boolean;
  /** Fixed, memorable ports for `npm start`; tests pass false and get free ones. */
  fixedPorts?: boolean;
}

const FIXED_PORTS = { api: 8443, dynamodb: 8100, s3: 8101, ses: 8102, cognito: 8103, stepFunctions: 8104 };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function ports(fixed: boolean): Promise<typeof FIXED_PORTS> {
  if (fixed) return FIXED_PORTS;
  const entries = await Promise.all(
    Object.keys(FIXED_PORTS).map(async (name) => [name, await freePort()] as const),
  );
  return Object.fromEntries(entries) as typeof FIXED_PORTS;
}

/** A self-signed certificate for localhost, made on first start and kept in the data folder. */
async function tlsMaterial(dataDir: string) {
  const dir = path.join(dataDir, 'tls');
  const certPath = path.join(dir, 'localhost.crt');
  const keyPath = path.join(dir, 'localhost.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true });
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 825 * 24 * 3600 * 1000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    writeFileSync(certPath, pems.cert);
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
  }
  return { certPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

/** How often the local scheduler runs the purge (AWS: the EventBridge schedule, hourly). */
const PURGE_INTERVAL_MS = Number(process.env.PACSCRIBE_PURGE_INTERVAL_SECONDS ?? 3600) * 1000;

/** The purge schedule without EventBridge: the same handler, on a timer. */
function startPurgeScheduler() {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(async () => {
        const { handler } = (await import('../../functions/imaging/handlers/purge-deleted-studies')) as {
          handler: () => Promise<unknown>;
        };
        if (!stopped) await handler();
      })
      .catch((error) => console.error('local purge:', error instanceof Error ? error.message : error));
  }, PURGE_INTERVAL_MS).unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

/** How often the local scheduler checks opt-out deadlines (AWS: the EventBridge schedule, hourly). */
const OVERDUE_CHECK_INTERVAL_MS = Number(process.env.PACSCRIBE_OVERDUE_CHECK_INTERVAL_SECONDS ?? 3600) * 1000;

/** The overdue opt-out check without EventBridge: the same handler on a timer; its metric line goes to stdout. */
function startOverdueOptOutScheduler() {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(async () => {
        if (!stopped) await invokeLocal(OVERDUE_CHECK_HANDLER, {});
      })
      .catch((error) =>
        console.error('local overdue check:', error instanceof Error ? error.message : error),
      );
  }, OVERDUE_CHECK_INTERVAL_MS).unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

/**
 * Starts every local stand-in (in this process, but for three children: DynamoDB Local, s3rver and the
 * audit witness), creates the resources from the CDK definitions, seeds demo data and serves the API over
 * HTTPS.
 */
export async function startLocalStack(options: LocalStackOptions) {
  const dataDir = path.resolve(options.dataDir);
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const port = await ports(options.fixedPorts ?? false);

  // Only endpoints and credentials differ from AWS; s3rver insists on these credentials.
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_EC2_METADATA_DISABLED: 'true',
    // The handlers' request and ingest metrics (embedded metric format) would be stdout noise here: no
    // CloudWatch reads it. Powertools still runs the same code, it only skips the write.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });

  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopService of stops.reverse()) await stopService().catch(() => undefined);
  };
  try {
    const [dynamodb, s3, ses, cognito, stepFunctions] = await Promise.all([
      startDynamoDb(path.join(dataDir, 'dynamodb'), port.dynamodb),
      startS3Process(
        path.join(dataDir, 's3'),
        port.s3,
        [
          LOCAL_IMAGING_BUCKET,
          LOCAL_IMAGING_REPLICA_BUCKET,
          LOCAL_AUDIT_ARCHIVE_BUCKET,
          LOCAL_SUPPORT_INBOUND_BUCKET,
          LOCAL_MARKETING_AUDIENCE_BUCKET,
          LOCAL_EXPORTS_BUCKET,
        ],
        { buckets: [LOCAL_IMAGING_BUCKET], origins: [`https://localhost:${port.api}`] },
      ),
      startSes(port.ses, path.join(dataDir, 'ses-contact-lists.json')),
      startCognito(path.join(dataDir, 'cognito'), port.cognito),
      startStepFunctions(port.stepFunctions),
    ]);
    stops.push(dynamodb.stop, s3.stop, ses.stop, cognito.stop, stepFunctions.stop);

    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SESV2: ses.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
    });
    // The benchmark's and tests' critical-path accounting (scripts/local/aws-call-trace.ts); off otherwise.
    const traceFile = process.env.PACSCRIBE_TRACE_AWS_CALLS;
    if (traceFile) {
      const stopTrace = startAwsCallTrace(traceFile);
      stops.push(async () => stopTrace());
    }
    const resources = await bootstrapResources(dataDir, {
      dynamodb: dynamodb.endpoint,
      cognito: cognito.endpoint,
      ses: ses.endpoint,
    });
    const apiUrl = `https://localhost:${port.api}`;
    const stripe = localStripeConfig(dataDir, apiUrl);
    // What CDK's bindings set in AWS, pointed at the local stand-ins; checked against every handler's
    // bindings before any handler loads.
    const allowances = organizationAllowances();
    const handlerEnv = {
      ACCOUNTS_TABLE_NAME: resources.tables.accounts,
      REQUEST_COUNTERS_TABLE_NAME: resources.tables.requestCounters,
      // The capacity model's allowance, as in AWS; the benchmark raises it to measure one organization's ceiling.
      ORGANIZATION_REQUESTS_PER_MINUTE:
        process.env.ORGANIZATION_REQUESTS_PER_MINUTE ?? String(allowances.requestsPerMinute),
      ORGANIZATION_RENDERS_PER_MINUTE:
        process.env.ORGANIZATION_RENDERS_PER_MINUTE ?? String(allowances.rendersPerMinute),
      ORGANIZATION_STORES_PER_MINUTE:
        process.env.ORGANIZATION_STORES_PER_MINUTE ?? String(allowances.storesPerMinute),
      AUDIT_TABLE_NAME: resources.tables.audit,
      IMAGING_TABLE_NAME: resources.tables.imaging,
      IMAGING_BUCKET_NAME: resources.imagingBucket,
      IMAGING_REPLICA_BUCKET_NAME: LOCAL_IMAGING_REPLICA_BUCKET,
      IMAGING_REPLICA_REGION: 'us-west-2',
      DELETED_STUDY_RETENTION_DAYS: process.env.DELETED_STUDY_RETENTION_DAYS ?? '30',
      UPLOAD_SESSIONS_TABLE_NAME: resources.tables.uploads,
      SUPPORT_TABLE_NAME: resources.tables.support,
      SHARING_TABLE_NAME: resources.tables.sharing,
      SHARE_LINK_BASE_URL: apiUrl,
      SUPPORT_TICKET_RETENTION_DAYS: '2192',
      SUPPORT_MESSAGE_KEY: `file:${localSupportMessageKeyFile(dataDir)}`,
      SUPPORT_INBOUND_MAIL_BUCKET_NAME: LOCAL_SUPPORT_INBOUND_BUCKET,
      SUPPORT_INBOUND_MAIL_PREFIX: LOCAL_SUPPORT_INBOUND_PREFIX,
      BILLING_TABLE_NAME: resources.tables.billing,
      // The local Stripe fake behind the same port; its secrets are the signing secret the fake signs with.
      BILLING_STRIPE_SECRET: `local:${stripe.path}`,
      BILLING_RETURN_BASE_URL: apiUrl,
      CUSTOMER_USER_POOL_ID: resources.customerPool.userPoolId,
      CUSTOMER_USER_POOL_CLIENT_IDS: resources.customerPool.clientId,
      SUPPORT_USER_POOL_ID: resources.supportPool.userPoolId,
      SUPPORT_USER_POOL_CLIENT_IDS: resources.supportPool.clientId,
      COGNITO_LOCAL_ISSUER_BASE_URL: cognito.endpoint,
      WELCOME_WORKFLOW_ARN: localStateMachineArn('welcome-mail'),
      UPLOAD_INGEST_WORKFLOW_ARN: localStateMachineArn('upload-ingest'),
      MAIL_TABLE_NAME: resources.tables.mail,
      MAIL_UNSUBSCRIBE_SECRET: `file:${localUnsubscribeSecretFile(dataDir)}`,
      PREFERENCE_WORKFLOW_ARN: localStateMachineArn('preference-propagation'),
      MAIL_CONTACT_LIST_NAME: LOCAL_MAIL_CONTACT_LIST,
      MARKETING_AUDIENCE_BUCKET_NAME: LOCAL_MARKETING_AUDIENCE_BUCKET,
      EXPORTS_TABLE_NAME: resources.tables.exports,
      EXPORTS_BUCKET_NAME: LOCAL_EXPORTS_BUCKET,
      EXPORT_WORKFLOW_ARN: localStateMachineArn('export-archive'),
      // The integration suite makes parts small, to see an organization span several.
      ...(process.env.EXPORT_PART_MAX_BYTES
        ? { EXPORT_PART_MAX_BYTES: process.env.EXPORT_PART_MAX_BYTES }
        : {}),
      MAIL_FROM_ADDRESS: 'no-reply@pacscribe.example',
      MAIL_CONFIGURATION_SET_NAME: 'pacscribe-local',
      APP_BASE_URL: apiUrl,
      APP_VERSION: 'local',
      // The repository's policy documents; the integration suite points at its own versions (fixtures).
      PRIVACY_POLICY_DIR: path.resolve(
        process.env.PACSCRIBE_PRIVACY_POLICY_DIR ?? path.join(PROJECT_ROOT, 'policies', 'privacy'),
      ),
      // Browser viewers allowed to read DICOMweb responses; OHIF's development server by default.
      DICOMWEB_CORS_ORIGINS: process.env.DICOMWEB_CORS_ORIGINS ?? 'http://localhost:3000',
      // The local console is served from the API's own origin (same-origin); the rule is AWS's all the same.
      CONSOLE_ORIGIN: new URL(apiUrl).origin,
    };
    assertLocalEnvironment({ AWS_REGION: process.env.AWS_REGION, ...handlerEnv });
    Object.assign(process.env, handlerEnv);

    // Handlers are bundled before the stack reports ready, so no request waits for esbuild.
    await loadHandlers();
    const checkpointKey = localCheckpointKey(dataDir);
    stops.push(
      await startAuditWitness({
        endpoints: { dynamodb: dynamodb.endpoint },
        table: resources.tables.audit,
        dataDir,
        s3Dir: path.join(dataDir, 's3'),
      }),
    );
    stops.push(startPurgeScheduler());
    stops.push(startOverdueOptOutScheduler());
    const users = await seedDemoData(dataDir, resources);
    const tls = await tlsMaterial(dataDir);
    // The console is served at CONSOLE_PATH of this origin: its one callback and sign-out URL.
    const consoleConfig = localConsoleConfig(apiUrl, resources.customerPool.clientId);
    const consoleUrl = consoleConfig.redirectUri;
    const signInCognito = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint });
    stops.push(async () => signInCognito.destroy());
    const api = createLocalApi({
      key: tls.key,
      cert: tls.cert,
      tokens: async () => (await defaultHttpRuntime()).tokens,
      rateLimit: localRateLimit(process.env),
      localPages: [
        { prefixes: [LOCAL_PAGES_PREFIX], pages: localStripePages(stripe.config, tls.cert) },
        {
          prefixes: HOSTED_LOGIN_PATHS,
          pages: authorizationServer({
            cognito: cognitoSignInPort(signInCognito, resources.customerPool.clientId),
            clientId: resources.customerPool.clientId,
            callbackUrls: [consoleUrl],
            logoutUrls: [consoleUrl],
            clock: systemClock,
          }),
        },
        {
          prefixes: ['/console'],
          pages: localConsoleSite({ config: consoleConfig, uploadOrigins: [s3.endpoint] }),
        },
      ],
    });
    await new Promise<void>((resolve, reject) => {
      api.once('error', reject);
      api.listen(port.api, '127.0.0.1', resolve);
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          api.closeAllConnections();
          api.close(() => resolve());
        }),
    );

    const config: LocalConfig = {
      apiUrl,
      caCertPath: tls.certPath,
      region: 'us-east-1',
      cognito: { endpoint: cognito.endpoint, ...resources.customerPool },
      supportCognito: { endpoint: cognito.endpoint, ...resources.supportPool },
      oauth: {
        authorizationEndpoint: consoleConfig.authorizationEndpoint,
        tokenEndpoint: consoleConfig.tokenEndpoint,
        revocationEndpoint: consoleConfig.revocationEndpoint,
        logoutEndpoint: consoleConfig.logoutEndpoint,
        clientId: consoleConfig.clientId,
        redirectUri: consoleConfig.redirectUri,
        logoutRedirectUri: consoleConfig.logoutRedirectUri,
      },
      sesInboxUrl: ses.inboxUrl,
      sesStoreUrl: `${ses.endpoint}/store`,
      endpoints: {
        dynamodb: dynamodb.endpoint,
        s3: s3.endpoint,
        ses: ses.endpoint,
        stepFunctions: stepFunctions.endpoint,
      },
      tables: resources.tables,
      imagingBucket: resources.imagingBucket,
      mail: {
        audienceBucket: LOCAL_MARKETING_AUDIENCE_BUCKET,
        contactList: LOCAL_MAIL_CONTACT_LIST,
        contactListsFile: path.join(dataDir, 'ses-contact-lists.json'),
      },
      auditArchive: {
        bucket: LOCAL_AUDIT_ARCHIVE_BUCKET,
        checkpointPublicKeyPath: checkpointKey.publicKeyPath,
      },
      handlerEnv: {
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_SESV2: ses.endpoint,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
        AWS_ENDPOINT_URL_SFN: stepFunctions.endpoint,
        ...handlerEnv,
      },
      users,
    };
    writeFileSync(path.join(dataDir, 'local.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    return { config, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
