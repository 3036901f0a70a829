import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Member, Organization } from '#schemas/accounts/entities';
import { DEFAULT_PERMISSIONS } from '#schemas/accounts/roles';
import type {
  NewAccount,
  PendingSignup,
  SignupAcceptedResponse,
  SignupBody,
  SignupResponse,
  VerifySignupBody,
} from '#schemas/accounts/signup';
import {
  ConflictError,
  DependencyUnavailableError,
  DomainError,
  VerificationFailedError,
} from '../../shared/errors';
import type {
  AccountsRepository,
  Clock,
  IdentityDirectory,
  IdGenerator,
  PendingSignups,
  SignupMail,
  WelcomeWorkflow,
} from './ports';

/** How long a mailed code stays valid (and the pending sign-up is kept). */
export const SIGNUP_CODE_TTL_SECONDS = 24 * 60 * 60;
/** Wrong codes before the pending sign-up is locked until a new code is requested. */
export const MAX_CODE_ATTEMPTS = 5;
/** Mails to one address per window, codes or notices: sign-up cannot be used to flood a mailbox. */
export const MAX_SIGNUP_MAILS_PER_WINDOW = 5;

/** Issues one-time codes; random in production, fixed in tests. */
export interface VerificationCodes {
  issue(): string;
}

export interface AccountCreationDeps {
  accounts: AccountsRepository;
  identities: IdentityDirectory;
  welcome: WelcomeWorkflow;
  clock: Clock;
  ids: IdGenerator;
}

export interface SignupRequestDeps {
  pending: PendingSignups;
  mail: SignupMail;
  codes: VerificationCodes;
  clock: Clock;
}

export type SignupVerificationDeps = AccountCreationDeps & { pending: PendingSignups };

const ACCEPTED: SignupAcceptedResponse = { status: 'verification-sent' };
const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
const hashCode = (salt: string, email: string, code: string) =>
  createHash('sha256').update(`${salt}\n${email}\n${code}`).digest('hex');

function codeMatches(signup: NonNullable<PendingSignup['signup']>, email: string, code: string): boolean {
  const expected = Buffer.from(signup.codeHash, 'hex');
  const actual = Buffer.from(hashCode(signup.codeSalt, email, code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Starts a sign-up [PP-01] and answers the same whether or not the address has an account, so sign-up
 * cannot tell anyone who uses PACScribe. A new address gets a one-time code (its hash is kept with the
 * details for 24 h; nothing secret is stored, the password comes with the code); an address with an
 * account gets a notice without names. Neither mail carries text the requester typed.
 */
export async function requestSignup(
  deps: SignupRequestDeps,
  body: SignupBody,
): Promise<SignupAcceptedResponse> {
  const now = deps.clock.now();
  const expiresAt = epochSeconds(now) + SIGNUP_CODE_TTL_SECONDS;
  if (await deps.pending.emailHasAccount(body.email)) {
    const notices = await deps.pending.countNotice(body.email, epochSeconds(now), expiresAt);
    if (notices <= MAX_SIGNUP_MAILS_PER_WINDOW) await deps.mail.sendExistingAccountNotice(body.email);
    return ACCEPTED;
  }
  const previous = await deps.pending.get(body.email);
  const live = previous && previous.expiresAt > epochSeconds(now) && !previous.completed ? previous : null;
  const codesIssued = live?.codesIssued ?? 0;
  if (codesIssued >= MAX_SIGNUP_MAILS_PER_WINDOW) return ACCEPTED;
  const code = deps.codes.issue();
  const codeSalt = randomBytes(16).toString('hex');
  await deps.pending.put({
    email: body.email,
    attempts: 0,
    codesIssued: codesIssued + 1,
    expiresAt,
    signup: {
      name: body.name,
      organizationName: body.organizationName,
      role: body.role,
      codeHash: hashCode(codeSalt, body.email, code),
      codeSalt,
      requestedAt: now.toISOString(),
    },
  });
  await deps.mail.sendVerificationCode(body.email, code, new Date(expiresAt * 1000));
  return ACCEPTED;
}

/**
 * Proves the address with the mailed code and creates the organization and its first administrator
 * with the password given now. Wrong, expired and never-issued codes fail alike; after
 * MAX_CODE_ATTEMPTS wrong codes the address is locked until a new code is requested. A retry with the
 * right code after success answers with the same account.
 */
export async function verifySignup(
  deps: SignupVerificationDeps,
  body: VerifySignupBody,
): Promise<SignupResponse> {
  const now = epochSeconds(deps.clock.now());
  const stored = await deps.pending.get(body.email);
  const live = stored && stored.expiresAt > now ? stored : null;
  if (live && live.attempts >= MAX_CODE_ATTEMPTS) throw new VerificationFailedError(true);
  if (!live?.signup || !codeMatches(live.signup, body.email, body.code)) {
    const attempts = await deps.pending.countFailedAttempt(
      body.email,
      live?.expiresAt ?? now + SIGNUP_CODE_TTL_SECONDS,
    );
    throw new VerificationFailedError(attempts >= MAX_CODE_ATTEMPTS);
  }
  if (live.completed) return { ...live.completed, email: body.email };
  const { name, organizationName, role } = live.signup;
  let account: SignupResponse;
  try {
    account = await createAccount(deps, {
      name,
      organizationName,
      role,
      email: body.email,
      password: body.password,
    });
  } catch (error) {
    // A concurrent verification of the same sign-up may have just created the account.
    const again = error instanceof ConflictError ? await deps.pending.get(body.email) : null;
    if (again?.completed) return { ...again.completed, email: body.email };
    throw error;
  }
  await deps.pending.complete(body.email, {
    orgId: account.orgId,
    userId: account.userId,
    role: account.role,
  });
  return account;
}

/**
 * Creates an organization and its first administrator [PP-01], once the address is proven (or for the
 * local demo seed). The person's stated role is kept as their professional role; the founder administers
 * the organization. Each step that succeeded is undone if a later one fails, so a failure leaves nothing
 * behind and can simply be retried.
 */
export async function createAccount(deps: AccountCreationDeps, body: NewAccount): Promise<SignupResponse> {
  const { userId } = await deps.identities.createUser({
    email: body.email,
    name: body.name,
    password: body.password,
  });
  const undo: (() => Promise<void>)[] = [() => deps.identities.deleteUser(body.email)];
  try {
    const now = deps.clock.now().toISOString();
    const organization: Organization = {
      orgId: deps.ids.newId(),
      name: body.organizationName,
      createdAt: now,
      createdBy: userId,
      adminCount: 1,
    };
    const founder: Member = {
      userId,
      orgId: organization.orgId,
      email: body.email,
      name: body.name,
      role: 'administrator',
      professionalRole: body.role,
      permissions: [...DEFAULT_PERMISSIONS.administrator],
      status: 'active',
      tokensValidAfter: now,
      createdAt: now,
      createdBy: userId,
    };
    await deps.accounts.createOrganization(organization, founder);
    undo.unshift(() => deps.accounts.removeOrganization(organization, founder));
    await deps.identities.addToGroup(body.email, founder.role);
    await deps.welcome.start({ orgId: organization.orgId, userId });
    return { orgId: organization.orgId, userId, email: body.email, role: founder.role };
  } catch (error) {
    // Undo every step even if one undo fails; the original error decides the answer.
    await Promise.allSettled(undo.map((step) => step()));
    if (error instanceof ConflictError) throw error;
    if (error instanceof DomainError) throw error;
    throw new DependencyUnavailableError('Sign-up could not be completed; nothing was kept. Please retry.');
  }
}
