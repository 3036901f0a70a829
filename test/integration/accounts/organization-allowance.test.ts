import { setTimeout as sleep } from 'node:timers/promises';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { organizationRequestsPerMinute } from '../../../infra/api/capacity-model';
import { callApi, localConfig } from '../../support/local-client';
import { localDocuments, localTables } from '../../support/local-tables';
import { freshOrganization, type TestOrganization } from '../../support/organizations';

let busy: TestOrganization;
let quiet: TestOrganization;

beforeAll(async () => {
  [busy, quiet] = await Promise.all([
    freshOrganization('allowance-busy'),
    freshOrganization('allowance-quiet'),
  ]);
}, 60_000);

/** The window a request made now counts in, with at least `margin` ms left of it. */
async function currentWindow(margin = 10_000): Promise<Date> {
  const remaining = 60_000 - (Date.now() % 60_000);
  if (remaining < margin) await sleep(remaining + 50);
  return new Date(Math.floor(Date.now() / 60_000) * 60_000);
}

/** As if the organization's other function instances had already used its allowance this minute. */
async function useUpAllowance(orgId: string, window: Date): Promise<void> {
  await localDocuments().send(
    new UpdateCommand({
      TableName: localConfig().tables.requestCounters,
      Key: { pk: `ORG#${orgId}`, sk: `WINDOW#all#${window.toISOString()}` },
      UpdateExpression: 'ADD requests :count',
      ExpressionAttributeValues: { ':count': organizationRequestsPerMinute() },
    }),
  );
}

describe("an organization's request allowance, through the local stack", () => {
  it("counts an organization's requests in its own counter, which expires by TTL", async () => {
    const window = await currentWindow();
    for (let index = 0; index < 3; index += 1) {
      expect((await callApi('GET', '/v1/me', { token: quiet.users.clinician.accessToken })).status).toBe(200);
    }
    const counter = await localDocuments().send(
      new UpdateCommand({
        TableName: localConfig().tables.requestCounters,
        Key: { pk: `ORG#${quiet.orgId}`, sk: `WINDOW#all#${window.toISOString()}` },
        UpdateExpression: 'ADD requests :none',
        ExpressionAttributeValues: { ':none': 0 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    // The first request is reported at once; the next within a second are reported with the next one.
    expect(counter.Attributes?.requests).toBeGreaterThanOrEqual(1);
    expect(counter.Attributes?.expiresAtEpoch).toBe(window.getTime() / 1000 + 120);
  });

  it('answers 429 with Retry-After once the organization has used its allowance, audits the refusal, and leaves other organizations alone', async () => {
    const window = await currentWindow();
    await useUpAllowance(busy.orgId, window);
    const token = busy.users.radiologist.accessToken;

    // Each function instance reports (and hears the total) at most once a second, so it refuses within one.
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof callApi>> | undefined;
    const deadline = Date.now() + 5_000;
    while (!refused && Date.now() < deadline) {
      const response = await callApi('GET', '/dicomweb/studies', { token });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      else await sleep(100);
    }
    expect(statuses[0]).toBe(200);
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set([200]));
    expect(refused?.json().error.code).toBe('rate_limited');
    const retryAfter = Number(refused?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect(
      (await callApi('GET', '/dicomweb/studies', { token: quiet.users.radiologist.accessToken })).status,
    ).toBe(200);
    const records = await localTables().auditRecords(busy.orgId);
    expect(
      records.some((record) => record.httpStatus === 429 && record.route === 'GET /dicomweb/studies'),
    ).toBe(true);
  });
});
