import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { AuditNotes } from '../../shared/http/http-handler';
import type { ImagingIndex } from '../core/ports';
import { auditChanges, type StoredStudyVersion, versionView } from '../core/study-versions';

/**
 * The answer to an edit or revert, and its audit notes: the reason, every attribute's before and after,
 * and the patient the study names now (and named before, when the edit moved it).
 */
export async function editResponse(
  deps: { index: ImagingIndex },
  principal: CustomerPrincipal,
  study: string,
  result: { version: StoredStudyVersion | null; current: number },
  reason: string,
  audit: AuditNotes,
) {
  audit.reason = reason;
  const changes = result.version?.changes ?? [];
  audit.changes = auditChanges(changes);
  const record = await deps.index.getStudy(principal.orgId, study);
  const patients = new Set<string>();
  for (const change of changes) {
    if (change.keyword === 'PatientID' && typeof change.before === 'string') patients.add(change.before);
  }
  if (record?.patientId) patients.add(record.patientId);
  audit.objects.push(...[...patients].map((id) => ({ type: 'patient' as const, id })));
  return {
    study,
    currentVersion: result.current,
    version: result.version ? versionView(result.version) : null,
  };
}
