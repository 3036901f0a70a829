import type { HandlerInput } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import type { HttpResult } from '../../shared/http/responses';
import { storeResponse } from '../core/dicom-json';
import { readMultipartRelated } from '../core/multipart-related';
import { storeInstances } from '../core/store-instances';
import { storeDeps } from '../deps';
import { dicomJson, serviceRoot } from './dicomweb-http';

/** Lambda takes 6 MB per request, base64 included: larger uploads go through upload sessions. */
export const MAX_STOW_BODY_BYTES = 4 * 1024 * 1024;

/** STOW-RS over HTTP: 200 all stored, 202 some failed, 409 none stored (PS3.18 §10.5.3). */
export async function storeFromRequest(
  input: HandlerInput<undefined>,
  requiredStudy: string | null,
): Promise<HttpResult> {
  const principal = requireCustomer(input.principal);
  const parts = readMultipartRelated(
    input.raw.body(MAX_STOW_BODY_BYTES),
    input.raw.header('content-type') ?? '',
    'application/dicom',
  );
  const outcome = await storeInstances(storeDeps(), principal, parts, requiredStudy);
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
