import type { Member } from '#schemas/accounts/entities';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { MARKETING_TEMPLATES, templateHash } from './marketing-templates';
import type { MailStore } from './ports';
import { decideMarketing, type MarketingDecision, type SendGateDeps, sendMarketing } from './send-gate';

export interface CampaignDeps {
  gate: SendGateDeps;
  store: Pick<
    MailStore,
    'getPreferences' | 'getSuppression' | 'getDryRun' | 'putDryRun' | 'claimCampaignSend'
  >;
  /** Every membership of every organization (the campaign reads each one through the gate). */
  listMembers(): Promise<Member[]>;
}

export interface CampaignReport {
  template: string;
  contentHash: string;
  dryRun: boolean;
  members: number;
  eligible: number;
  sent: number;
  alreadySent: number;
  skipped: Record<Exclude<MarketingDecision, { send: true }>['reason'], number>;
}

/**
 * A marketing campaign (PACScribe staff): every member is judged by the send gate, so only opted-in
 * providers and administrators whose address is not suppressed receive it [PP-19]. A real run needs a
 * dry run of the same exact content first; a rerun sends nobody the same content twice.
 */
export async function runCampaign(
  deps: CampaignDeps,
  options: { template: string; dryRun: boolean },
): Promise<CampaignReport> {
  const template = MARKETING_TEMPLATES[options.template];
  if (!template) {
    throw new NotFoundError(
      `No template "${options.template}"; templates: ${Object.keys(MARKETING_TEMPLATES).join(', ')}.`,
    );
  }
  const contentHash = templateHash(template);
  if (!options.dryRun && !(await deps.store.getDryRun(template.name, contentHash))) {
    throw new ConflictError(
      `Run a dry run of "${template.name}" first (--dry-run): none is recorded for this content.`,
    );
  }
  const report: CampaignReport = {
    template: template.name,
    contentHash,
    dryRun: options.dryRun,
    members: 0,
    eligible: 0,
    sent: 0,
    alreadySent: 0,
    skipped: { 'no-such-member': 0, inactive: 0, 'not-provider': 0, 'not-opted-in': 0, suppressed: 0 },
  };
  for (const member of await deps.listMembers()) {
    report.members += 1;
    const [preferences, suppression] = await Promise.all([
      deps.store.getPreferences(member.userId),
      deps.store.getSuppression(member.email),
    ]);
    const preview = decideMarketing(member, preferences?.marketing === true, suppression !== null);
    if (!preview.send) {
      report.skipped[preview.reason] += 1;
      continue;
    }
    report.eligible += 1;
    if (options.dryRun) continue;
    const now = deps.gate.clock.now().toISOString();
    if (!(await deps.store.claimCampaignSend(template.name, contentHash, member.userId, now))) {
      report.alreadySent += 1;
      continue;
    }
    // The gate decides again from fresh reads: an opt-out since the preview wins.
    const decision = await sendMarketing(deps.gate, member.userId, template);
    if (decision.send) report.sent += 1;
    else {
      report.eligible -= 1;
      report.skipped[decision.reason] += 1;
    }
  }
  if (options.dryRun) {
    await deps.store.putDryRun({
      template: template.name,
      contentHash,
      ranAt: deps.gate.clock.now().toISOString(),
      eligible: report.eligible,
      skipped: report.skipped,
    });
  }
  return report;
}
