import type { AuditNotes } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import type { QidoResults } from '../core/qido-results';
import { dicomJson } from './dicomweb-http';

/** PS3.18 §8.3.4.4: tell the client the list was cut short. */
const TRUNCATED =
  '299 PACScribe "The number of results exceeded the maximum supported by the server. Additional results can be requested."';

/**
 * A QIDO-RS page, audited with every patient and study it reveals (and the patient a PatientID key
 * named, even when nothing matched: the question itself says whom the caller looked for).
 */
export function qidoResponse(
  page: QidoResults,
  audit: AuditNotes,
  query: { PatientID?: string | undefined },
): HttpResult {
  if (query.PatientID) audit.objects.push({ type: 'patient', id: query.PatientID });
  for (const patient of page.patients) audit.objects.push({ type: 'patient', id: patient });
  for (const study of page.studies) audit.objects.push({ type: 'study', id: study });
  return dicomJson(page.results, 200, page.truncated ? { warning: TRUNCATED } : {});
}
