import { NotFoundError, RateLimitedError, VerificationFailedError } from '../../shared/errors';
import type { ShareDirectory, ShareMail, ShareRecord, SharingDeps } from './ports';
import { shareStatus } from './shares';

/** The bounds of redemption; each is a conditional-write counter or a TTL in the sharing table. */
export const REDEMPTION_LIMITS = {
  codeValidMinutes: 10,
  /** Guesses per mailed code (code and passcode together); then only a new code helps. */
  attemptsPerCode: 5,
  /** Codes mailed per share per hour: with attemptsPerCode, at most 25 guesses an hour per share. */
  codesPerSharePerHour: 5,
  /** Redemption requests (code requests and guesses, any share) per source address per 10 minutes. */
  requestsPerSourcePer10Minutes: 30,
  sessionMinutes: 30,
};
export type RedemptionLimits = typeof REDEMPTION_LIMITS;

export interface RedemptionDeps extends SharingDeps {
  mail: ShareMail;
  directory: Pick<ShareDirectory, 'organizationName'>;
  limits?: RedemptionLimits;
}

/** Unknown, malformed, foreign, revoked, expired and used-up links all answer this, with the same words. */
export class ShareUnavailableError extends NotFoundError {
  constructor() {
    super('This link is not valid: it may have expired or been withdrawn. Ask the sender for a new one.');
  }
}

const limitsOf = (deps: { limits?: RedemptionLimits }) => deps.limits ?? REDEMPTION_LIMITS;

function windowOf(now: Date, minutes: number): { start: string; end: Date } {
  const size = minutes * 60_000;
  const start = Math.floor(now.getTime() / size) * size;
  return { start: new Date(start).toISOString(), end: new Date(start + size) };
}

/** The share a link names, if it opens anything now; the token is compared by its SHA-256 only. */
export async function activeShareForToken(deps: SharingDeps, token: string): Promise<ShareRecord> {
  const share = await deps.store.shareForToken(deps.secrets.digest(token));
  if (!share || shareStatus(share, deps.clock.now()) !== 'active') throw new ShareUnavailableError();
  return share;
}

/** Counts one redemption request from the source address; refuses once the window's limit is reached. */
export async function withinSourceLimit(deps: RedemptionDeps, sourceIp: string | null): Promise<void> {
  const limits = limitsOf(deps);
  const window = windowOf(deps.clock.now(), 10);
  const source = deps.secrets.digest(`source:${sourceIp ?? 'unknown'}`).slice(0, 32);
  const allowed = await deps.store.countHit(
    `SOURCE#${source}`,
    window.start,
    window.end,
    limits.requestsPerSourcePer10Minutes,
  );
  if (!allowed) throw new RateLimitedError('Too many attempts from this address; try again later.');
}

/**
 * Mails a fresh one-time code to the share's recipient (never to an address the visitor types), so only
 * whoever reads that mailbox can open the share. A new code replaces the previous one.
 */
export async function requestShareCode(
  deps: RedemptionDeps,
  token: string,
  sourceIp: string | null,
): Promise<ShareRecord> {
  await withinSourceLimit(deps, sourceIp);
  const share = await activeShareForToken(deps, token);
  const limits = limitsOf(deps);
  const now = deps.clock.now();
  const window = windowOf(now, 60);
  if (
    !(await deps.store.countHit(
      `CODES#${share.shareId}`,
      window.start,
      window.end,
      limits.codesPerSharePerHour,
    ))
  ) {
    throw new RateLimitedError('Too many codes were requested for this link; try again in an hour.');
  }
  const code = deps.secrets.newCode();
  await deps.store.putCode(share.shareId, {
    codeHash: deps.secrets.digest(`${share.shareId}:${code}`),
    expiresAt: new Date(now.getTime() + limits.codeValidMinutes * 60_000).toISOString(),
    attempts: 0,
  });
  await deps.mail.codeIssued(share.recipientEmail, {
    code,
    organizationName: (await deps.directory.organizationName(share.orgId)) ?? 'A PACScribe customer',
    validMinutes: limits.codeValidMinutes,
  });
  return share;
}

/**
 * The mailed code (and the passcode, when the share has one) opens a short session bound to this share.
 * Every guess is counted before it is checked; after attemptsPerCode the code is locked. A used code is
 * deleted in a conditional write, so it opens one session at most; each session counts one use.
 */
export async function openShareSession(
  deps: RedemptionDeps,
  token: string,
  form: { code: string; passcode?: string | undefined },
  sourceIp: string | null,
): Promise<{ share: ShareRecord; sessionToken: string; expiresAt: string }> {
  await withinSourceLimit(deps, sourceIp);
  const share = await activeShareForToken(deps, token);
  const limits = limitsOf(deps);
  const now = deps.clock.now();
  const code = await deps.store.getCode(share.shareId);
  if (!code || Date.parse(code.expiresAt) <= now.getTime()) throw new VerificationFailedError(false);
  if (!(await deps.store.countCodeAttempt(share.shareId, limits.attemptsPerCode))) {
    throw new VerificationFailedError(true);
  }
  const codeMatches = deps.secrets.same(code.codeHash, deps.secrets.digest(`${share.shareId}:${form.code}`));
  const passcodeMatches =
    share.passcodeHash === null ||
    (form.passcode !== undefined && (await deps.secrets.verifyPasscode(form.passcode, share.passcodeHash)));
  if (!codeMatches || !passcodeMatches) throw new VerificationFailedError(false);
  if (!(await deps.store.consumeCode(share.shareId, code.codeHash))) throw new VerificationFailedError(false);
  if (!(await deps.store.countUse(share))) throw new ShareUnavailableError();
  const sessionToken = deps.secrets.newToken();
  const expiresAt = new Date(now.getTime() + limits.sessionMinutes * 60_000).toISOString();
  await deps.store.putSession(deps.secrets.digest(sessionToken), { shareId: share.shareId, expiresAt });
  return { share, sessionToken, expiresAt };
}

/**
 * Every request of an open session: the link's share must still be active (revocation and expiry count
 * at once) and the session must belong to that same share and be unexpired. Anything else answers like
 * a link that opens nothing, or asks for a code again.
 */
export async function sharedSession(
  deps: SharingDeps,
  token: string,
  sessionToken: string | null,
): Promise<{ share: ShareRecord; session: 'open' | 'none' }> {
  const share = await deps.store.shareForToken(deps.secrets.digest(token));
  if (!share) throw new ShareUnavailableError();
  const status = shareStatus(share, deps.clock.now());
  const session = sessionToken ? await deps.store.getSession(deps.secrets.digest(sessionToken)) : null;
  const valid =
    session !== null &&
    session.shareId === share.shareId &&
    Date.parse(session.expiresAt) > deps.clock.now().getTime();
  // A session already open may finish after its share's last use was counted; never after revocation
  // or expiry.
  if (status === 'active' || (valid && status === 'exhausted')) {
    return { share, session: valid ? 'open' : 'none' };
  }
  throw new ShareUnavailableError();
}
