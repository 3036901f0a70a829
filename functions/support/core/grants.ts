import type {
  CreateGrantBody,
  SupportAccessLog,
  SupportGrant,
  SupportSettings,
} from '#schemas/support/grants';
import type { CustomerPrincipal, WorkforcePrincipal } from '../../shared/auth/principal';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import type { NotifyingSupportDeps, SupportAuditReader, SupportDeps } from './ports';

/** Grants touch no sealed contents. */
export type GrantDeps = Omit<NotifyingSupportDeps, 'sealer'>;

const MINUTE_MS = 60_000;
const DEFAULT_LOG_WINDOW_MS = 90 * 24 * 3600 * 1000;

/**
 * A support engineer asks to look at an organization for one open ticket of that organization, with a
 * reason. Usable at once, or, where the organization requires it, once an administrator approves; the
 * organization's administrators are told either way [PP-08].
 */
export async function requestGrant(
  deps: GrantDeps,
  staff: WorkforcePrincipal,
  body: CreateGrantBody,
): Promise<SupportGrant> {
  const ticket = await deps.store.getTicket(body.ticketId);
  // A ticket of another organization answers like a missing one: a grant is tied to the request it serves.
  if (!ticket || ticket.orgId !== body.orgId)
    throw new NotFoundError('No such ticket for that organization.');
  if (ticket.status !== 'open')
    throw new ConflictError('The ticket is closed; a grant needs an open ticket.');
  const settings = await deps.store.getSettings(body.orgId);
  const now = deps.clock.now();
  const grant: SupportGrant = {
    grantId: deps.ids.newId(),
    orgId: body.orgId,
    ticketId: body.ticketId,
    staffId: staff.staffId,
    reason: body.reason,
    status: settings.requireApproval ? 'pending-approval' : 'active',
    durationMinutes: body.durationMinutes,
    createdAt: now.toISOString(),
    startsAt: settings.requireApproval ? null : now.toISOString(),
    expiresAt: settings.requireApproval
      ? null
      : new Date(now.getTime() + body.durationMinutes * MINUTE_MS).toISOString(),
    approvedBy: null,
    revokedAt: null,
    revokedBy: null,
  };
  await deps.store.createGrant(grant);
  await notifyAdministrators(deps, grant);
  return grant;
}

/** An administrator of the grant's organization approves a pending grant; its time starts now. */
export async function approveGrant(
  deps: GrantDeps,
  principal: CustomerPrincipal,
  grantId: string,
): Promise<SupportGrant> {
  const grant = await organizationGrant(deps, principal.orgId, grantId);
  if (grant.status !== 'pending-approval') throw new ConflictError(`The grant is ${grant.status}.`);
  const now = deps.clock.now();
  const approved: SupportGrant = {
    ...grant,
    status: 'active',
    startsAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + grant.durationMinutes * MINUTE_MS).toISOString(),
    approvedBy: principal.userId,
  };
  await deps.store.replaceGrant(grant, approved);
  await notifyAdministrators(deps, approved);
  return approved;
}

/** An administrator ends a grant (pending or active); requests under it are refused from now on. */
export async function revokeGrant(
  deps: Pick<SupportDeps, 'store' | 'clock'>,
  principal: CustomerPrincipal,
  grantId: string,
): Promise<SupportGrant> {
  const grant = await organizationGrant(deps, principal.orgId, grantId);
  if (grant.status === 'revoked') return grant;
  const revoked: SupportGrant = {
    ...grant,
    status: 'revoked',
    revokedAt: deps.clock.now().toISOString(),
    revokedBy: principal.userId,
  };
  await deps.store.replaceGrant(grant, revoked);
  return revoked;
}

async function organizationGrant(
  deps: Pick<SupportDeps, 'store'>,
  orgId: string,
  grantId: string,
): Promise<SupportGrant> {
  const grant = await deps.store.getGrant(grantId);
  if (!grant || grant.orgId !== orgId) throw new NotFoundError('No such grant.');
  return grant;
}

async function notifyAdministrators(deps: GrantDeps, grant: SupportGrant): Promise<void> {
  const [organization, staff, members] = await Promise.all([
    deps.directory.getOrganization(grant.orgId),
    deps.directory.getStaffMember(grant.staffId),
    deps.directory.listMembers(grant.orgId),
  ]);
  const notice = {
    organizationName: organization?.name ?? grant.orgId,
    staffName: staff?.name ?? grant.staffId,
    grant,
  };
  const administrators = members.filter(
    (member) => member.role === 'administrator' && member.status === 'active',
  );
  for (const administrator of administrators) {
    if (grant.status === 'active') await deps.notifications.grantStarted(administrator.email, notice);
    else await deps.notifications.grantAwaitingApproval(administrator.email, notice);
  }
}

export async function readSupportSettings(deps: Pick<SupportDeps, 'store'>, orgId: string) {
  return deps.store.getSettings(orgId);
}

export async function updateSupportSettings(
  deps: Pick<SupportDeps, 'store'>,
  orgId: string,
  settings: SupportSettings,
): Promise<SupportSettings> {
  await deps.store.putSettings(orgId, settings);
  return settings;
}

/**
 * Every grant to the organization since `from`, each with what was done under it as the audit trail
 * recorded it: who, when, why and what was viewed (or refused) [PP-09].
 */
export async function supportAccessLog(
  deps: Pick<SupportDeps, 'store' | 'clock'> & { audit: SupportAuditReader },
  orgId: string,
  query: { from?: string | undefined },
): Promise<SupportAccessLog> {
  const now = deps.clock.now();
  const from = query.from ?? new Date(now.getTime() - DEFAULT_LOG_WINDOW_MS).toISOString();
  if (Date.parse(from) > now.getTime()) throw new InvalidInputError('`from` is in the future.');
  const grants = await deps.store.listGrants(orgId, from);
  return {
    grants: await Promise.all(
      grants.map(async (grant) => {
        const records = await deps.audit.recordsBy(orgId, grant.staffId, {
          from: grant.createdAt,
          to: now.toISOString(),
        });
        const accesses = records
          .filter((record) =>
            record.objects.some((o) => o.type === 'support-grant' && o.id === grant.grantId),
          )
          .map((record) => ({
            at: record.eventTime,
            event: record.event,
            route: record.route,
            httpStatus: record.httpStatus,
            objects: record.objects.filter((o) => o.type !== 'support-grant'),
          }));
        return { ...grant, accesses };
      }),
    ),
  };
}
