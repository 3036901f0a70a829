import type { Clock } from '../../../functions/shared/ports';
import { cryptoShareSecrets } from '../../../functions/sharing/adapters/crypto-share-secrets';
import type {
  ShareAccessEntry,
  ShareCode,
  ShareMail,
  ShareRecord,
  ShareSession,
  ShareStore,
} from '../../../functions/sharing/core/ports';
import type { RedemptionDeps } from '../../../functions/sharing/core/redemption';

/** The sharing table in memory, with the same conditional writes as the DynamoDB adapter. */
export class InMemoryShareStore implements ShareStore {
  shares = new Map<string, ShareRecord>();
  tokens = new Map<string, string>();
  idempotency = new Map<string, string>();
  codes = new Map<string, ShareCode>();
  sessions = new Map<string, ShareSession>();
  hits = new Map<string, number>();
  accesses: ShareAccessEntry[] = [];

  async createShare(share: ShareRecord, idempotency: string | null) {
    if (idempotency && this.idempotency.has(idempotency)) return 'duplicate' as const;
    this.shares.set(share.shareId, { ...share });
    this.tokens.set(share.tokenHash, share.shareId);
    if (idempotency) this.idempotency.set(idempotency, share.shareId);
    return 'created' as const;
  }
  async shareForIdempotencyKey(key: string) {
    const id = this.idempotency.get(key);
    return id ? this.getShare(id) : null;
  }
  async getShare(shareId: string) {
    const share = this.shares.get(shareId);
    return share ? { ...share } : null;
  }
  async shareForToken(tokenHash: string) {
    const id = this.tokens.get(tokenHash);
    return id ? this.getShare(id) : null;
  }
  async listShares(orgId: string) {
    return [...this.shares.values()].filter((share) => share.orgId === orgId);
  }
  async revokeShare(shareId: string, at: string, by: string) {
    const share = this.shares.get(shareId);
    if (!share) return null;
    share.revokedAt = at;
    share.revokedBy = by;
    return { ...share };
  }
  async countUse(share: ShareRecord) {
    const stored = this.shares.get(share.shareId);
    if (!stored || (stored.maxUses !== null && stored.uses >= stored.maxUses)) return false;
    stored.uses += 1;
    return true;
  }
  async putCode(shareId: string, code: ShareCode) {
    this.codes.set(shareId, { ...code });
  }
  async getCode(shareId: string) {
    const code = this.codes.get(shareId);
    return code ? { ...code } : null;
  }
  async countCodeAttempt(shareId: string, maxAttempts: number) {
    const code = this.codes.get(shareId);
    if (!code || code.attempts >= maxAttempts) return false;
    code.attempts += 1;
    return true;
  }
  async consumeCode(shareId: string, codeHash: string) {
    if (this.codes.get(shareId)?.codeHash !== codeHash) return false;
    this.codes.delete(shareId);
    return true;
  }
  async putSession(hash: string, session: ShareSession) {
    this.sessions.set(hash, { ...session });
  }
  async getSession(hash: string) {
    return this.sessions.get(hash) ?? null;
  }
  async countHit(key: string, windowStart: string, _end: Date, limit: number) {
    const counter = `${key}@${windowStart}`;
    const hits = this.hits.get(counter) ?? 0;
    if (hits >= limit) return false;
    this.hits.set(counter, hits + 1);
    return true;
  }
  async recordAccess(entry: ShareAccessEntry) {
    this.accesses.push(entry);
  }
  async listAccess(shareId: string) {
    return this.accesses.filter((entry) => entry.shareId === shareId);
  }
}

export class RecordingShareMail implements ShareMail {
  links: { to: string; link: string }[] = [];
  codes: { to: string; code: string }[] = [];
  failNext = false;
  async shareCreated(to: string, notice: { link: string }) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('mail down');
    }
    this.links.push({ to, link: notice.link });
  }
  async codeIssued(to: string, notice: { code: string }) {
    this.codes.push({ to, code: notice.code });
  }
  lastCode(): string {
    return this.codes.at(-1)?.code ?? '';
  }
}

export class MovableClock implements Clock {
  constructor(private at: number) {}
  now() {
    return new Date(this.at);
  }
  advance(ms: number) {
    this.at += ms;
  }
}

let counter = 0;
export function redemptionDeps(clock = new MovableClock(Date.parse('2026-12-03T12:00:00Z'))) {
  const store = new InMemoryShareStore();
  const mail = new RecordingShareMail();
  const deps: RedemptionDeps = {
    store,
    mail,
    secrets: cryptoShareSecrets,
    clock,
    ids: { newId: () => `share-${++counter}` },
    directory: { organizationName: async () => 'Riverside Imaging' },
  };
  return { deps, store, mail, clock };
}

/** A stored share and its link's secret, as createShare leaves them. */
export async function storedShare(
  store: InMemoryShareStore,
  overrides: Partial<ShareRecord> = {},
  passcode?: string,
): Promise<{ share: ShareRecord; token: string }> {
  const token = cryptoShareSecrets.newToken();
  const share: ShareRecord = {
    shareId: `share-${++counter}`,
    orgId: 'org-a',
    tokenHash: cryptoShareSecrets.digest(token),
    studyInstanceUid: '1.2.3',
    seriesInstanceUids: null,
    patientId: 'PID-1',
    recipientEmail: 'partner@vendor.example',
    scope: 'view',
    deidentify: false,
    uidKey: cryptoShareSecrets.newKey(),
    passcodeHash: passcode ? await cryptoShareSecrets.hashPasscode(passcode) : null,
    purpose: null,
    createdAt: '2026-12-03T11:00:00.000Z',
    createdBy: 'user-1',
    expiresAt: '2026-12-10T11:00:00.000Z',
    maxUses: null,
    uses: 0,
    revokedAt: null,
    revokedBy: null,
    ...overrides,
  };
  await store.createShare(share, null);
  return { share, token };
}
