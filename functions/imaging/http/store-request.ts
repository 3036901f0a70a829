import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { AuditNotes, RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import { storeResponse } from '../core/dicom-json';
import { readMultipartRelated } from '../core/multipart-related';
import { storeInstances } from '../core/store-instances';
import { storeDeps } from '../deps';
import { dicomJson, serviceRoot } from './dicomweb-http';

/**
 * Time kept back when the next instance is started: one instance at its slowest (its index read and
 * transaction retried through DynamoDB's throttling and conflicts: about 2 s of waits at most) and the
 * answer's audit write, so a large request answers within the function's 10 s instead of timing out.
 */
export const STOW_TIME_RESERVE_MS = 4_000;

/** STOW-RS over HTTP: 200 all stored, 202 some failed, 409 none stored (PS3.18 §10.5.3). */
export async function storeFromRequest(
  input: { principal: CustomerPrincipal; raw: RawRequest; audit: AuditNotes; remainingTimeMs(): number },
  requiredStudy: string | null,
): Promise<HttpResult> {
  const parts = readMultipartRelated(
    input.raw.body(),
    input.raw.header('content-type') ?? '',
    'application/dicom',
  );
  const outcome = await storeInstances(
    storeDeps(),
    input.principal,
    parts,
    requiredStudy,
    () => input.remainingTimeMs() > STOW_TIME_RESERVE_MS,
  );
  for (const study of outcome.studies) input.audit.objects.push({ type: 'study', id: study });
  for (const patient of outcome.patients) input.audit.objects.push({ type: 'patient', id: patient });
  const status = outcome.failed.length === 0 ? 200 : outcome.referenced.length === 0 ? 409 : 202;
  const resent = outcome.referenced.filter((item) => item.alreadyStored).length;
  return dicomJson(
    storeResponse(outcome, serviceRoot(input.raw)),
    status,
    resent > 0 ? { warning: alreadyStoredWarning(resent) } : {},
  );
}

/** An identical resend is acknowledged, not stored twice; the client is told so (RFC 7234 Warning 299). */
export function alreadyStoredWarning(count: number): string {
  return `299 PACScribe "${count} instance(s) were already stored with identical content and are acknowledged again."`;
}
