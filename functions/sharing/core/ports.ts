import type { ShareAccessKind, ShareScope } from '#schemas/sharing/shares';
import type { Clock, IdGenerator } from '../../shared/ports';

/** A share as stored: the link's secret only as its SHA-256, the passcode only as a scrypt hash. */
export interface ShareRecord {
  shareId: string;
  orgId: string;
  tokenHash: string;
  studyInstanceUid: string;
  seriesInstanceUids: string[] | null;
  patientId: string | null;
  recipientEmail: string;
  scope: ShareScope;
  deidentify: boolean;
  /** Keys the replacement UIDs of a de-identified share: random per share, never shown. */
  uidKey: string;
  passcodeHash: string | null;
  purpose: string | null;
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  maxUses: number | null;
  uses: number;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** The one-time code mailed to the recipient: its hash, when it ends, and how many guesses it had. */
export interface ShareCode {
  codeHash: string;
  expiresAt: string;
  attempts: number;
}

export interface ShareSession {
  shareId: string;
  expiresAt: string;
}

export interface ShareAccessEntry {
  shareId: string;
  at: string;
  kind: ShareAccessKind;
  requestId: string;
  sourceIp: string | null;
  detail: string | null;
}

/** Port: the sharing table. Every read that decides access is strongly consistent. */
export interface ShareStore {
  /**
   * Writes the share and its link-lookup entry together; with an idempotency key, only if that key was
   * not used yet: 'duplicate' then, and nothing is written.
   */
  createShare(share: ShareRecord, idempotency: string | null): Promise<'created' | 'duplicate'>;
  shareForIdempotencyKey(idempotency: string): Promise<ShareRecord | null>;
  getShare(shareId: string): Promise<ShareRecord | null>;
  shareForToken(tokenHash: string): Promise<ShareRecord | null>;
  listShares(orgId: string): Promise<ShareRecord[]>;
  revokeShare(shareId: string, at: string, by: string): Promise<ShareRecord | null>;
  /** Counts one use, unless maxUses are spent: false then. */
  countUse(share: ShareRecord): Promise<boolean>;

  putCode(shareId: string, code: ShareCode): Promise<void>;
  getCode(shareId: string): Promise<ShareCode | null>;
  /** Counts one guess, unless `maxAttempts` were made: false then (the code is locked). */
  countCodeAttempt(shareId: string, maxAttempts: number): Promise<boolean>;
  /** Removes the code if it is still there; false when another request used it first. */
  consumeCode(shareId: string, codeHash: string): Promise<boolean>;

  putSession(sessionHash: string, session: ShareSession): Promise<void>;
  getSession(sessionHash: string): Promise<ShareSession | null>;

  /** One more hit in the window; false once `limit` were counted (conditional write, TTL-expired). */
  countHit(key: string, windowStart: string, windowEnd: Date, limit: number): Promise<boolean>;

  recordAccess(entry: ShareAccessEntry): Promise<void>;
  listAccess(shareId: string): Promise<ShareAccessEntry[]>;
}

/** Port: mail to the recipient. Transactional: it carries the link or the code, never patient data. */
export interface ShareMail {
  shareCreated(
    to: string,
    notice: { link: string; organizationName: string; senderName: string; expiresAt: string },
  ): Promise<void>;
  codeIssued(
    to: string,
    notice: { code: string; organizationName: string; validMinutes: number },
  ): Promise<void>;
}

/** Port: who shares, for the mail. */
export interface ShareDirectory {
  organizationName(orgId: string): Promise<string | null>;
  memberName(orgId: string, userId: string): Promise<string | null>;
}

/** Port: the secrets of sharing (random tokens, digests, slow hashes), behind one seam for tests. */
export interface ShareSecrets {
  newToken(): string;
  newCode(): string;
  newKey(): string;
  digest(secret: string): string;
  hashPasscode(passcode: string): Promise<string>;
  verifyPasscode(passcode: string, stored: string): Promise<boolean>;
  /** Equal-time comparison of two digests. */
  same(a: string, b: string): boolean;
}

export interface SharingDeps {
  store: ShareStore;
  secrets: ShareSecrets;
  clock: Clock;
  ids: IdGenerator;
}
