import path from 'node:path';
import { FilePolicyLibrary } from '../../../functions/policy/adapters/file-policy-library';
import { SanitizedMarkdownRenderer } from '../../../functions/policy/adapters/markdown-renderer';
import { documentInForce, parsePolicyDocument } from '../../../functions/policy/core/documents';
import { readPolicy } from '../../../functions/policy/core/policies';
import type { NoticeRecipient, PolicyStore } from '../../../functions/policy/core/ports';
import { publishPolicyVersion } from '../../../functions/policy/core/publishing';
import type { OutgoingMail } from '../../../functions/shared/mailer';

const root = path.resolve(__dirname, '../../..');
const repository = new FilePolicyLibrary(path.join(root, 'policies', 'privacy'));
const fixtures = new FilePolicyLibrary(path.join(root, 'test', 'fixtures', 'policies', 'privacy'));
const clockAt = (iso: string) => ({ now: () => new Date(iso) });

function memoryStore(members: NoticeRecipient[]): PolicyStore {
  const published = new Map<number, { version: number; material: boolean; publishedAt: string }>();
  const noticed = new Map<string, number>();
  return {
    listPublications: async () => [...published.values()],
    recordPublication: async (publication) => {
      if (published.has(publication.version)) return false;
      published.set(publication.version, publication);
      return true;
    },
    listActiveMembers: async () => members,
    markNoticePending: async (userId, version) => {
      if ((noticed.get(userId) ?? 0) >= version) return false;
      noticed.set(userId, version);
      return true;
    },
    acknowledgeNotice: async () => true,
    recordAcceptance: async () => true,
    listAcceptances: async () => [],
  };
}

const members: NoticeRecipient[] = Array.from({ length: 7 }, (_, index) => ({
  userId: `u${index}`,
  orgId: index < 4 ? 'org-a' : 'org-b',
  email: `user${index}@example.org`,
  name: `User ${index}`,
}));

describe('policy documents', () => {
  it('version 1 in the repository is the seed policy, with its front matter', () => {
    const [first] = repository.documents();
    expect(first).toMatchObject({ version: 1, lastUpdated: '2026-01-01', material: true });
    expect(first?.markdown).toContain('We will never rent, sell, or share your personal information');
  });

  it('refuses front matter that is not one JSON object of the expected fields', () => {
    const front = {
      version: 1,
      lastUpdated: '2026-01-01',
      effectiveDate: '2026-01-01',
      material: true,
      summary: 'S',
    };
    expect(parsePolicyDocument(`---\n${JSON.stringify(front)}\n---\n# Text`, '1.md')).toMatchObject({
      ...front,
      markdown: '# Text',
    });
    expect(() => parsePolicyDocument('---\nversion: 1\n---\n# Text', '1.md')).toThrow(/not a JSON object/);
    expect(() =>
      parsePolicyDocument(`---\n${JSON.stringify({ ...front, material: 'yes' })}\n---\n# Text`, '1.md'),
    ).toThrow(/invalid front matter/);
  });

  it('[PP-23] the version in force, and so its Last Updated date, changes on the effective date', () => {
    const documents = fixtures.documents();
    expect(documentInForce(documents, new Date('2026-02-28T23:59:59Z'))?.lastUpdated).toBe('2026-02-01');
    expect(documentInForce(documents, new Date('2026-03-01T00:00:00Z'))?.lastUpdated).toBe('2026-03-01');
    expect(documentInForce(documents, new Date('2025-12-31T00:00:00Z'))).toBeNull();
  });

  it('[PP-23] older versions stay readable after a newer one takes effect', async () => {
    const deps = {
      library: fixtures,
      renderer: new SanitizedMarkdownRenderer(),
      store: memoryStore([]),
      clock: clockAt('2026-06-01T00:00:00Z'),
    };
    expect(await readPolicy(deps, 1)).toMatchObject({ version: 1, current: 3 });
    await expect(readPolicy(deps, 4)).rejects.toThrow('No such version');
  });

  it('rendered HTML keeps no script and no javascript: link', () => {
    const html = new SanitizedMarkdownRenderer().toHtml('# T\n\n<script>x()</script>\n\n[a](javascript:x())');
    expect(html).toContain('<h1>T</h1>');
    expect(html).not.toMatch(/<script|javascript:/i);
  });
});

describe('publishing', () => {
  const publishDeps = (store: PolicyStore, sent: OutgoingMail[]) => ({
    library: fixtures,
    store,
    mailer: {
      send: async (mail: OutgoingMail) => {
        sent.push(mail);
        return { messageId: String(sent.length) };
      },
    },
    clock: clockAt('2026-06-01T00:00:00Z'),
    appBaseUrl: 'https://api.example',
  });

  it('[PP-23] a material version reaches 100 % of active users by transactional mail, once', async () => {
    const sent: OutgoingMail[] = [];
    const deps = publishDeps(memoryStore(members), sent);

    const first = await publishPolicyVersion(deps, 2);
    const second = await publishPolicyVersion(deps, 2);

    expect(first).toMatchObject({ notified: 7, activeUsers: 7, newlyPublished: true });
    expect(second).toMatchObject({ notified: 0, alreadyNotified: 7, newlyPublished: false });
    expect(sent.map((mail) => mail.to).sort()).toEqual(members.map((member) => member.email).sort());
    expect(sent.every((mail) => mail.category === 'transactional')).toBe(true);
  });

  it('[PP-23] a non-material version is recorded and notifies nobody', async () => {
    const sent: OutgoingMail[] = [];
    const store = memoryStore(members);
    const result = await publishPolicyVersion(publishDeps(store, sent), 3);
    expect(result).toMatchObject({ material: false, notified: 0, newlyPublished: true });
    expect(sent).toEqual([]);
    expect((await store.listPublications()).map((publication) => publication.version)).toEqual([3]);
  });
});
