import type { PutReportBody, Report } from '#schemas/imaging/reports';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import type { Clock } from '../../shared/ports';

/** Port: a study's radiology report and every version of it, beside the study's index entries. */
export interface ReportStore {
  current(orgId: string, study: string): Promise<Report | null>;
  /**
   * Writes the report as the next version, only if the current one is still `expectedVersion` (0: none)
   * and the study exists: 'conflict' or 'missing' otherwise, nothing written.
   */
  write(orgId: string, report: Report, expectedVersion: number): Promise<'written' | 'conflict' | 'missing'>;
  versions(orgId: string, study: string): Promise<Report[]>;
}

export interface ReportDeps {
  reports: ReportStore;
  studyExists: (orgId: string, study: string) => Promise<boolean>;
  clock: Clock;
}

const MAX_WRITE_ATTEMPTS = 5;

/**
 * Writes a study's report. Drafts may be revised and finalized; a final report stays final and is only
 * amended, with a reason. Every write is a version, so what was read at any time can be shown again.
 */
export async function writeReport(
  deps: ReportDeps,
  principal: CustomerPrincipal,
  study: string,
  body: PutReportBody,
): Promise<Report> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
    const current = await deps.reports.current(principal.orgId, study);
    if (!current && !(await deps.studyExists(principal.orgId, study))) {
      throw new NotFoundError('Study not found.');
    }
    const final = current?.status === 'final';
    if (final && body.status === 'draft') {
      throw new ConflictError('A final report cannot go back to draft; amend it as final.');
    }
    if (final && !body.reason) {
      throw new InvalidInputError('Amending a final report needs a reason.', [
        { path: 'reason', message: 'required once the report is final' },
      ]);
    }
    const report: Report = {
      study,
      version: (current?.version ?? 0) + 1,
      status: body.status,
      amended: final,
      text: body.text,
      author: { userId: principal.userId, role: principal.role },
      at: deps.clock.now().toISOString(),
      reason: body.reason ?? null,
    };
    const outcome = await deps.reports.write(principal.orgId, report, current?.version ?? 0);
    if (outcome === 'written') return report;
    if (outcome === 'missing') throw new NotFoundError('Study not found.');
  }
  throw new ConflictError('The report is being written by others; try again.');
}

export async function readReport(
  deps: Pick<ReportDeps, 'reports'>,
  principal: CustomerPrincipal,
  study: string,
): Promise<Report> {
  const report = await deps.reports.current(principal.orgId, study);
  if (!report) throw new NotFoundError('No report for this study.');
  return report;
}

export async function listReportVersions(
  deps: Pick<ReportDeps, 'reports'>,
  principal: CustomerPrincipal,
  study: string,
): Promise<{ study: string; versions: Report[] }> {
  const versions = await deps.reports.versions(principal.orgId, study);
  if (versions.length === 0) throw new NotFoundError('No report for this study.');
  return { study, versions };
}
