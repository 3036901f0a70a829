import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import Stripe from 'stripe';
import { signUnsubscribeToken } from '../../../functions/mail/core/unsubscribe-token';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routes } from '../../../functions/shared/routes';
import { DEFAULT_PERMISSIONS } from '../../../schemas/accounts/roles';
import { localStateMachineArn } from '../../../scripts/local/services/stepfunctions';
import { ctInstance, testUid } from '../../support/dicom-files';
import { testContext } from '../../support/events';
import { installLambdaStreamingShim, invokeHttpHandler } from '../../support/lambda-streaming';
import { callApi, localConfig, postJson, sentMail, signIn } from '../../support/local-client';
import { localDocuments } from '../../support/local-tables';
import { freshOrganization, signupCode, type TestOrganization } from '../../support/organizations';
import { STOW_CONTENT_TYPE, storedStudyAndSession, stowBody } from '../../support/stow';

/**
 * The real handler of every audited route, with its real schemas and the local stack's real tables,
 * Cognito and storage, but an audit table that does not exist: each request must fail closed with 503
 * and carry none of the data it read. Destructive routes run last, on ids of their own.
 */
installLambdaStreamingShim();

const PATIENT_NAME = 'Canary^Fail^Closed';
const PATIENT_ID = 'PID-FAIL-CLOSED';

let org: TestOrganization;
let ids: Record<string, string>;
let reviewerToken: string;
let engineerToken: string;
let partEtag: string;
let invitedUserId: string;
let deletedStudy: string;
let pendingVerification: { email: string; code: string; password: string };
/** A download share of the stored study, with an open recipient session (its cookie). */
let share: { shareId: string; token: string; cookie: string };

beforeAll(async () => {
  const config = localConfig();
  org = await freshOrganization('fail-closed');
  const { study, series, instance, sessionId, firstPartUrl } = await storedStudyAndSession(
    org.users.administrator.accessToken,
    { patientName: PATIENT_NAME, patientId: PATIENT_ID },
  );
  // One real part, so completing the session is a request S3 accepts.
  const part = await fetch(firstPartUrl, {
    method: 'PUT',
    body: Buffer.alloc(1024, 7),
  });
  expect(part.status).toBe(200);
  partEtag = part.headers.get('etag') ?? '';
  // A user still invited (never signed in), whose invitation can be sent again.
  const invited = await postJson(
    '/v1/users',
    { email: `invited-${testUid().slice(-12)}@fail-closed.example`, name: 'Invited', role: 'clinician' },
    org.users.administrator.accessToken,
  );
  expect(invited.status).toBe(201);
  invitedUserId = invited.json().userId;
  const founder = `verify-${testUid().slice(-12)}@fail-closed.example`;
  const started = await postJson('/v1/signup', {
    name: 'Fail Closed',
    organizationName: 'Fail Closed Clinic',
    role: 'radiologist',
    email: founder,
  });
  expect(started.status).toBe(202);
  pendingVerification = {
    email: founder,
    code: await signupCode(founder),
    password: 'Fail-Closed-Passw0rd!',
  };
  // A deleted study of its own, for the restore route (the other routes act on the stored one).
  const deleted = await storedStudyAndSession(org.users.administrator.accessToken, {
    patientName: PATIENT_NAME,
    patientId: PATIENT_ID,
  });
  const removal = await callApi('DELETE', `/dicomweb/studies/${deleted.study}`, {
    token: org.users.administrator.accessToken,
  });
  expect(removal.status).toBe(204);
  deletedStudy = deleted.study;
  ids = {
    userId: org.users.clinician.userId,
    study,
    // Version 1 exists once editStudy has run (it runs before revertStudy, in route-table order).
    version: '1',
    series,
    instance,
    session: sessionId,
    frameList: '1',
    tagPath: '7FE00010',
    // A genuine one-click unsubscribe link of the clinician's, signed with the stack's link key (the
    // share routes' {token} is the share link's: see eventFor).
    unsubscribeToken: signUnsubscribeToken(
      readFileSync(config.handlerEnv.MAIL_UNSUBSCRIBE_SECRET?.replace(/^file:/, '') ?? ''),
      org.users.clinician.userId,
      new Date(),
    ),
  };
  const reviewer = config.users.find((user) => user.role === 'compliance-reviewer');
  const engineer = config.users.find((user) => user.role === 'support-engineer');
  if (!reviewer || !engineer) throw new Error('no seeded compliance reviewer or support engineer');
  reviewerToken = (await signIn(reviewer.email, reviewer.password, 'support')).accessToken;
  engineerToken = (await signIn(engineer.email, engineer.password, 'support')).accessToken;
  // A ticket, and a grant for it awaiting approval (the organization requires approval).
  const ticket = await postJson(
    '/v1/support/tickets',
    { subject: PATIENT_NAME, message: `About ${PATIENT_ID}` },
    org.users.administrator.accessToken,
  );
  expect(ticket.status).toBe(201);
  const strict = await callApi('PUT', '/v1/support/settings', {
    token: org.users.administrator.accessToken,
    body: JSON.stringify({ requireApproval: true }),
  });
  expect(strict.status).toBe(200);
  const grant = await postJson(
    '/v1/support/access-grants',
    { orgId: org.orgId, ticketId: ticket.json().ticketId, reason: 'Fail-closed check of support grants' },
    engineerToken,
  );
  expect(grant.status).toBe(201);
  ids.ticketId = ticket.json().ticketId;
  ids.grantId = grant.json().grantId;
  share = await openRecipientSession(study);
  ids.shareId = share.shareId;
  ids.token = share.token;
  ids.patientId = PATIENT_ID;
  // A finished export of the organization, whose part the download route presigns.
  const exported = await callApi('POST', '/v1/exports', { token: org.users.administrator.accessToken });
  expect(exported.status).toBe(202);
  ids.exportId = exported.json().export.exportId;
  ids.part = '1';
  for (let polls = 0; ; polls += 1) {
    const status = await callApi('GET', `/v1/exports/${ids.exportId}`, {
      token: org.users.administrator.accessToken,
    });
    if (status.json().export.status === 'succeeded') break;
    if (polls > 240) throw new Error(`export ${status.json().export.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // A prepared archive of the study, the administrator's own, whose part its download route presigns.
  const archived = await callApi('POST', `/v1/studies/${ids.study}/archive`, {
    token: org.users.administrator.accessToken,
  });
  expect(archived.status).toBe(202);
  ids.archiveId = archived.json().export.exportId;
  for (let polls = 0; ; polls += 1) {
    const status = await callApi('GET', `/v1/study-archives/${ids.archiveId}`, {
      token: org.users.administrator.accessToken,
    });
    if (status.json().export.status === 'succeeded') break;
    if (polls > 240) throw new Error(`study archive ${status.json().export.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  // The same environment the local stack gives its functions, but an audit table that is not there.
  Object.assign(process.env, {
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_ENDPOINT_URL_DYNAMODB: config.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: config.endpoints.s3,
    AWS_ENDPOINT_URL_SESV2: config.endpoints.ses,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: config.cognito.endpoint,
    AWS_ENDPOINT_URL_SFN: config.endpoints.stepFunctions,
    ACCOUNTS_TABLE_NAME: config.tables.accounts,
    AUDIT_TABLE_NAME: config.tables.audit,
    IMAGING_TABLE_NAME: config.tables.imaging,
    IMAGING_BUCKET_NAME: config.imagingBucket,
    UPLOAD_SESSIONS_TABLE_NAME: config.tables.uploads,
    CUSTOMER_USER_POOL_ID: config.cognito.userPoolId,
    CUSTOMER_USER_POOL_CLIENT_IDS: config.cognito.clientId,
    SUPPORT_USER_POOL_ID: config.supportCognito.userPoolId,
    SUPPORT_USER_POOL_CLIENT_IDS: config.supportCognito.clientId,
    COGNITO_LOCAL_ISSUER_BASE_URL: config.cognito.endpoint,
    WELCOME_WORKFLOW_ARN: localStateMachineArn('welcome-mail'),
    UPLOAD_INGEST_WORKFLOW_ARN: localStateMachineArn('upload-ingest'),
    MAIL_FROM_ADDRESS: 'no-reply@pacscribe.example',
    MAIL_CONFIGURATION_SET_NAME: 'pacscribe-local',
    APP_BASE_URL: config.apiUrl,
    ...Object.fromEntries(
      Object.entries(config.handlerEnv).filter(
        ([name]) =>
          /^(SUPPORT_|BILLING_|SHARING_|SHARE_|MAIL_|EXPORT)/.test(name) ||
          name === 'PREFERENCE_WORKFLOW_ARN' ||
          name === 'MARKETING_AUDIENCE_BUCKET_NAME',
      ),
    ),
    // Where the local stack serves the policy documents from (the fixtures, in the integration stack).
    PRIVACY_POLICY_DIR: String(config.handlerEnv.PRIVACY_POLICY_DIR),
  });
});

/** A share of the study, redeemed the way its recipient would, over HTTPS from an address of its own. */
async function openRecipientSession(study: string) {
  const recipient = `recipient-${randomUUID().slice(0, 8)}@fail-closed.example`;
  const made = await postJson(
    '/v1/shares',
    { studyInstanceUid: study, recipientEmail: recipient, scope: 'download' },
    org.users.administrator.accessToken,
  );
  expect(made.status).toBe(201);
  const token = new URL(made.json().link).pathname.split('/')[2] ?? '';
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const source = '127.0.0.250';
  await callApi('POST', `/s/${token}/code`, { body: '', headers: form, localAddress: source });
  const mail = (await sentMail()).filter((sent) => sent.destination.to.includes(recipient)).at(-1);
  const code = /: ([0-9]{8})/.exec(mail?.body.text ?? '')?.[1] ?? '';
  const opened = await callApi('POST', `/s/${token}/session`, {
    body: `code=${code}`,
    headers: form,
    localAddress: source,
  });
  expect(opened.status).toBe(303);
  const cookie = String([opened.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
  return { shareId: made.json().share.shareId as string, token, cookie };
}

/** A fresh one-time code for the share, written as the code request writes it (its digest only). */
const SHARE_CODE = '24681357';
async function freshShareCode() {
  const documents = localDocuments();
  try {
    await documents.send(
      new PutCommand({
        TableName: localConfig().tables.sharing,
        Item: {
          pk: `SHARE#${share.shareId}`,
          sk: 'CODE',
          codeHash: createHash('sha256').update(`${share.shareId}:${SHARE_CODE}`).digest('hex'),
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
          attempts: 0,
          expiresAtEpoch: Math.floor(Date.now() / 1000) + 600,
        },
      }),
    );
  } finally {
    documents.destroy();
  }
}

/** Work a route needs done before each call (a code is used up by the call that redeems it). */
const PREPARE: Record<string, () => Promise<void>> = { openShareSession: freshShareCode };

/** Bodies each route's schema accepts, so the request reaches its use case. */
const BODIES: Record<string, () => { body: string | Buffer; contentType: string }> = {
  signup: () => ({
    contentType: 'application/json',
    body: JSON.stringify({
      name: 'Fail Closed',
      organizationName: 'Fail Closed Clinic',
      role: 'radiologist',
      email: `founder-${testUid().slice(-12)}@fail-closed.example`,
    }),
  }),
  // A sign-up started in beforeAll; a retried verification answers again, so the control can succeed.
  verifySignup: () => ({ contentType: 'application/json', body: JSON.stringify(pendingVerification) }),
  updateMe: () => ({ contentType: 'application/json', body: JSON.stringify({ name: PATIENT_NAME }) }),
  createUser: () => ({
    contentType: 'application/json',
    body: JSON.stringify({
      email: `new-${testUid().slice(-12)}@fail-closed.example`,
      name: 'N',
      role: 'clinician',
    }),
  }),
  updateUser: () => ({ contentType: 'application/json', body: JSON.stringify({ permissions: ['view'] }) }),
  createUploadSession: () => ({
    contentType: 'application/json',
    body: JSON.stringify({ totalBytes: 1024, contentType: 'application/dicom' }),
  }),
  issueUploadPartUrls: () => ({
    contentType: 'application/json',
    body: JSON.stringify({ partNumbers: [1] }),
  }),
  completeUploadSession: () => ({
    contentType: 'application/json',
    body: JSON.stringify({ parts: [{ partNumber: 1, etag: partEtag }] }),
  }),
  editStudy: () => ({
    contentType: 'application/json',
    body: JSON.stringify({
      changes: { StudyDescription: `Fail closed ${testUid().slice(-6)}` },
      reason: 'check',
    }),
  }),
  editSeries: () => ({
    contentType: 'application/json',
    body: JSON.stringify({
      changes: { SeriesDescription: `Fail closed ${testUid().slice(-6)}` },
      reason: 'check',
    }),
  }),
  revertStudy: () => ({
    contentType: 'application/json',
    body: JSON.stringify({ reason: 'Fail-closed check' }),
  }),
  putReport: () => ({
    contentType: 'application/json',
    body: JSON.stringify({ text: `Report ${testUid().slice(-6)}`, status: 'draft' }),
  }),
  storeInstances: () => ({
    contentType: STOW_CONTENT_TYPE,
    body: stowBody([ctInstance({ patientName: PATIENT_NAME })]),
  }),
  storeInstancesInStudy: () => ({
    contentType: STOW_CONTENT_TYPE,
    // The study's own patient: an instance naming another patient is refused whatever the audit trail.
    body: stowBody([
      ctInstance({ studyInstanceUid: ids.study ?? '', patientName: PATIENT_NAME, patientId: PATIENT_ID }),
    ]),
  }),
  createTicket: () => ({
    contentType: 'application/json',
    body: JSON.stringify({ subject: 'Fail closed', message: PATIENT_NAME }),
  }),
  answerTicket: () => ({ contentType: 'application/json', body: JSON.stringify({ message: 'Answer.' }) }),
  createAccessGrant: () => ({
    contentType: 'application/json',
    body: JSON.stringify({
      orgId: org.orgId,
      ticketId: ids.ticketId,
      reason: 'Fail-closed check of support grants',
    }),
  }),
  updateCommunicationPreferences: () => ({
    contentType: 'application/json',
    body: JSON.stringify({ marketing: { subscribed: true } }),
  }),
  unsubscribe: () => ({
    contentType: 'application/x-www-form-urlencoded',
    body: 'List-Unsubscribe=One-Click',
  }),
  updateSupportSettings: () => ({
    contentType: 'application/json',
    body: JSON.stringify({ requireApproval: true }),
  }),
  startCheckout: () => ({
    contentType: 'application/json',
    body: JSON.stringify({
      plan: 'standard',
      billingEmail: 'billing@fail-closed.example',
      billingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
    }),
  }),
  openPortal: () => ({ contentType: 'application/json', body: '{}' }),
  receiveStripeWebhook: () => ({
    contentType: 'application/json',
    body: JSON.stringify({
      id: `evt_fail_closed_${randomUUID()}`,
      object: 'event',
      type: 'customer.subscription.updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { object: 'subscription', id: 'sub_x', customer: 'cus_unknown', status: 'active' } },
    }),
  }),
  createShare: () => ({
    contentType: 'application/json',
    body: JSON.stringify({
      studyInstanceUid: ids.study,
      recipientEmail: `partner-${testUid().slice(-12)}@fail-closed.example`,
      scope: 'view',
    }),
  }),
  requestShareCode: () => ({ contentType: 'application/x-www-form-urlencoded', body: '' }),
  openShareSession: () => ({ contentType: 'application/x-www-form-urlencoded', body: `code=${SHARE_CODE}` }),
};

/** The local Stripe fake's signing secret, to sign the webhook as Stripe would. */
function stripeSignature(payload: string): string {
  const file = (localConfig().handlerEnv.BILLING_STRIPE_SECRET ?? '').replace(/^local:/, '');
  const { webhookSigningSecret } = JSON.parse(readFileSync(file, 'utf8')) as { webhookSigningSecret: string };
  return Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSigningSecret });
}

const QUERIES: Record<string, Record<string, string>> = {
  queryAuditEvents: {},
  queryAuditEventsAcrossOrganizations: { orgId: 'ORG', reason: 'Fail-closed check of the audit path.' },
  searchStudies: { PatientID: PATIENT_ID },
};

function eventFor(route: RouteDefinition): APIGatewayProxyEvent {
  const pathParameters = Object.fromEntries(
    Object.keys(route.pathParameters).map((name) => [
      name,
      (name === 'userId' && route.id === 'resendInvitation'
        ? invitedUserId
        : // The recipient's pages name series and images by position in the share.
          route.path.startsWith('/s/') && (name === 'series' || name === 'image')
          ? '1'
          : name === 'token' && route.path.startsWith('/v1/unsubscribe/')
            ? ids.unsubscribeToken
            : name === 'study' && route.id === 'restoreDeletedStudy'
              ? deletedStudy
              : ids[name]) ?? '',
    ]),
  );
  const query = Object.fromEntries(
    Object.entries(QUERIES[route.id] ?? {}).map(([key, value]) => [key, value === 'ORG' ? org.orgId : value]),
  );
  const body = BODIES[route.id]?.();
  // A member who holds the route's permission: the administrator, or (reports) a radiologist.
  const customer =
    route.access.kind === 'action' && !DEFAULT_PERMISSIONS.administrator.includes(route.access.action)
      ? org.users.radiologist
      : org.users.administrator;
  const token =
    route.access.kind !== 'workforce'
      ? customer.accessToken
      : route.access.group === 'support-engineer'
        ? engineerToken
        : reviewerToken;
  return {
    resource: route.path,
    path: route.path.replace(/\{([^}]+)\}/g, (_, name: string) => pathParameters[name] ?? ''),
    httpMethod: route.method,
    headers: {
      ...(route.access.kind === 'public' ? {} : { Authorization: `Bearer ${token}` }),
      // The recipient's open session, on the share pages that need one (the link page alone answers
      // without it: with one it sends the recipient on to the viewer).
      ...(route.path.startsWith('/s/{token}/') && route.method === 'GET' ? { Cookie: share.cookie } : {}),
      ...(body ? { 'Content-Type': body.contentType } : {}),
      ...(route.id === 'receiveStripeWebhook' && body
        ? { 'Stripe-Signature': stripeSignature(body.body.toString()) }
        : {}),
      Host: 'localhost',
    },
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    requestContext: {
      requestId: `fail-closed-${route.id}`,
      identity: { sourceIp: '127.0.0.1' },
    } as APIGatewayProxyEvent['requestContext'],
    body: body ? Buffer.from(body.body).toString('base64') : null,
    isBase64Encoded: Boolean(body),
  };
}

/** Routes whose success cannot be repeated: removals, disabling, and signing the caller out everywhere. */
const destructive = (route: RouteDefinition) =>
  route.method === 'DELETE' || route.path.endsWith('/disable') || route.id === 'signOut';
const audited = routes.filter((route) => route.audit !== null);
const ordered = [...audited.filter((route) => !destructive(route)), ...audited.filter(destructive)];

/** The route's real handler, loaded afresh so it builds its runtime from the current environment. */
async function invoke(route: RouteDefinition, auditTable: string) {
  await PREPARE[route.id]?.();
  process.env.AUDIT_TABLE_NAME = auditTable;
  jest.resetModules();
  const module = (await import(path.join(__dirname, '../../../functions', route.handler))) as {
    handler: unknown;
  };
  return invokeHttpHandler(module.handler, eventFor(route), testContext());
}

describe('[PP-18] fail closed: no audit record, no data', () => {
  it.each(ordered.map((route) => [route.id, route] as const))(
    '%s answers 503 and returns nothing it read when the audit trail is unavailable',
    async (_id, route) => {
      if (!destructive(route)) {
        // The same request with the audit trail up succeeds: it is valid and reaches its use case.
        const control = await invoke(route, localConfig().tables.audit);
        // A form post succeeds with 303 to the page that follows (share redemption).
        expect(`${control.statusCode} ${control.body.slice(0, 300)}`).toMatch(/^(2\d\d|303) /);
      }
      const response = await invoke(route, 'pacscribe-local-audit-table-that-is-gone');

      expect(response.statusCode).toBe(503);
      expect(JSON.parse(response.body).error.code).toBe('audit_unavailable');
      for (const secret of [PATIENT_NAME, PATIENT_ID, ids.study, ids.instance, org.users.clinician.email]) {
        expect(response.body).not.toContain(secret);
      }
    },
  );
});
