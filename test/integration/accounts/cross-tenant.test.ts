import { randomUUID } from 'node:crypto';
import type { RouteDefinition } from '../../../functions/shared/http/route';
import { routes } from '../../../functions/shared/routes';
import { DEFAULT_PERMISSIONS, ROLES } from '../../../schemas/accounts/roles';
import { testUid } from '../../support/dicom-files';
import { type ApiResponse, callApi, localConfig, postJson, signIn } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { storedStudyAndSession } from '../../support/stow';

/**
 * For every route that takes an id, organization A's administrator tries organization B's real ids
 * (users, a stored study with its series and instance, an upload session, a support ticket and grant) by
 * the route's own method.
 * Nothing may succeed, each answer must be indistinguishable from the answer for a well-formed id that
 * does not exist, and B's data must be unchanged afterwards.
 */
// Staff routes belong to no tenant (customer tokens never pass them: the authorization matrix shows it),
// and neither do public ones (a privacy policy version is the same text for everyone).
const idRoutes = routes.filter(
  (route) =>
    Object.keys(route.pathParameters).length > 0 &&
    route.access.kind !== 'workforce' &&
    route.access.kind !== 'public',
);

const BODIES: Record<string, string> = {
  updateUser: JSON.stringify({ role: 'administrator' }),
  // Valid bodies, so the lookup of the (foreign) session is what answers.
  completeUploadSession: JSON.stringify({ parts: [{ partNumber: 1, etag: '"0"' }] }),
  issueUploadPartUrls: JSON.stringify({ partNumbers: [1] }),
  editStudy: JSON.stringify({ changes: { PatientName: 'Intruder^Edit' }, reason: 'cross-tenant' }),
  editSeries: JSON.stringify({ changes: { SeriesDescription: 'Intruder' }, reason: 'cross-tenant' }),
  revertStudy: JSON.stringify({ reason: 'cross-tenant' }),
  putReport: JSON.stringify({ text: 'Intruder report', status: 'draft' }),
};

interface ForeignIds {
  userIds: string[];
  study: string;
  series: string;
  instance: string;
  session: string;
  ticketId: string;
  grantId: string;
}

let a: TestOrganization;
let b: TestOrganization;
let foreign: ForeignIds;
beforeAll(async () => {
  a = await freshOrganization('tenant-a');
  b = await freshOrganization('tenant-b');
  const stored = await storedStudyAndSession(b.users.administrator.accessToken);
  // A support ticket of B's and a support engineer's grant for it.
  const ticket = await postJson(
    '/v1/support/tickets',
    { subject: 'B ticket', message: 'Private to B' },
    b.users.administrator.accessToken,
  );
  const engineer = localConfig().users.find((user) => user.role === 'support-engineer');
  if (!engineer) throw new Error('no seeded support engineer');
  const grant = await postJson(
    '/v1/support/access-grants',
    { orgId: b.orgId, ticketId: ticket.json().ticketId, reason: 'Cross-tenant isolation check' },
    (await signIn(engineer.email, engineer.password, 'support')).accessToken,
  );
  expect([ticket.status, grant.status]).toEqual([201, 201]);
  // Real versions and a real report of B's study, so their routes are tried on ids that exist.
  const edited = await callApi('PATCH', `/v1/studies/${stored.study}`, {
    token: b.users.technologist.accessToken,
    body: JSON.stringify({ changes: { StudyDescription: 'Edited by B' }, reason: 'B edits its own study' }),
  });
  expect(edited.status).toBe(200);
  const report = await callApi('PUT', `/v1/studies/${stored.study}/report`, {
    token: b.users.radiologist.accessToken,
    body: JSON.stringify({ text: 'B report', status: 'draft' }),
  });
  expect(report.status).toBe(200);
  foreign = {
    userIds: ROLES.map((role) => b.users[role].userId),
    study: stored.study,
    series: stored.series,
    instance: stored.instance,
    session: stored.sessionId,
    ticketId: ticket.json().ticketId,
    grantId: grant.json().grantId,
  };
});

/** The path with each parameter taken from `ids`; frame numbers and the pixel-data tag are no secret. */
function pathWith(route: RouteDefinition, ids: Omit<ForeignIds, 'userIds'> & { userId: string }): string {
  const values: Record<string, string> = {
    ...ids,
    frameList: '1',
    tagPath: '7FE00010',
    // B's study has a version 1 (edited in beforeAll); 0, as stored, exists for every study.
    version: '1',
  };
  return route.path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? `unknown-${name}`);
}

const shape = (response: ApiResponse) => ({
  status: response.status,
  code: response.json().error?.code,
  message: response.json().error?.message,
  keys: Object.keys(response.json().error ?? {}).sort(),
});

describe('[PP-07] cross-tenant isolation', () => {
  it('answers every foreign id exactly like a missing one, and changes nothing', async () => {
    const before = (await callApi('GET', '/v1/users', { token: b.users.administrator.accessToken })).json();
    let attempts = 0;
    const leaks: string[] = [];
    for (const route of idRoutes) {
      // A's member who holds the route's permission: the administrator, or (reports) a radiologist.
      const holder =
        route.access.kind === 'action' && !DEFAULT_PERMISSIONS.administrator.includes(route.access.action)
          ? a.users.radiologist
          : a.users.administrator;
      const call = (path: string) =>
        callApi(route.method, path, {
          token: holder.accessToken,
          ...(route.request?.body ? { body: BODIES[route.id] ?? '{}' } : {}),
        });
      const missing = shape(
        await call(
          pathWith(route, {
            userId: randomUUID(),
            study: testUid(),
            series: testUid(),
            instance: testUid(),
            session: randomUUID(),
            ticketId: randomUUID(),
            grantId: randomUUID(),
          }),
        ),
      );
      const candidates = route.path.includes('{userId}')
        ? foreign.userIds.map((userId) => ({ ...foreign, userId }))
        : [{ ...foreign, userId: foreign.userIds[0] ?? '' }];
      for (const ids of candidates) {
        attempts += 1;
        const path = pathWith(route, ids);
        const answer = await call(path);
        if (answer.status < 400 || JSON.stringify(shape(answer)) !== JSON.stringify(missing)) {
          leaks.push(`${route.method} ${route.path}: ${answer.status} ${answer.text.slice(0, 200)}`);
        }
      }
      // A well-formed missing id must be refused as missing, not as malformed.
      expect([404, 400, 415]).toContain(missing.status);
    }
    const after = (await callApi('GET', '/v1/users', { token: b.users.administrator.accessToken })).json();
    console.log(`cross-tenant: ${attempts} attempts with real foreign ids, ${leaks.length} leaks`);
    expect(leaks).toEqual([]);
    expect(after).toEqual(before);
    // B's study is still there, whole, for B.
    const retrieved = await callApi('GET', `/dicomweb/studies/${foreign.study}/metadata`, {
      token: b.users.administrator.accessToken,
    });
    expect(retrieved.status).toBe(200);
    expect(retrieved.text).toContain(foreign.instance);
  });

  it('finds nothing of another organization by searching for its keys', async () => {
    for (const query of [`StudyInstanceUID=${foreign.study}`, 'PatientID=PID-0001']) {
      for (const level of ['studies', 'series', 'instances']) {
        const response = await callApi('GET', `/dicomweb/${level}?${query}`, {
          token: a.users.administrator.accessToken,
        });
        expect(response.status).toBe(200);
        expect(response.json()).toEqual([]);
      }
    }
  });

  it('never lists another organization’s users', async () => {
    const listed = (await callApi('GET', '/v1/users', { token: a.users.administrator.accessToken })).json();
    const foreignIds = Object.values(b.users).map((user) => user.userId);

    expect(listed.users.some((user: { userId: string }) => foreignIds.includes(user.userId))).toBe(false);
  });

  it('ignores tenant hints in headers and query strings', async () => {
    const response = await callApi('GET', `/v1/me?orgId=${b.orgId}&tenantId=${b.orgId}`, {
      token: a.users.clinician.accessToken,
      headers: { 'x-tenant-id': b.orgId, 'x-org-id': b.orgId },
    });

    expect(response.json().organization.orgId).toBe(a.orgId);
  });
});
