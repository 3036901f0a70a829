import { httpHandler } from '../../shared/composition/http-handler';
import { InvalidInputError } from '../../shared/errors';
import { createShare, toShareView } from '../core/shares';
import { createShareDeps } from '../deps';
import { sharingRoutes } from '../routes';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export const handler = httpHandler(sharingRoutes.createShare, async ({ principal, body, raw, audit }) => {
  const key = raw.header('idempotency-key')?.trim() ?? null;
  if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
    throw new InvalidInputError('The Idempotency-Key header is invalid.', [
      { path: 'Idempotency-Key', message: '8 to 128 letters, digits or ._:-' },
    ]);
  }
  audit.objects.push({ type: 'study', id: body.studyInstanceUid });
  const deps = createShareDeps();
  const { share, link, replayed } = await createShare(deps, principal, body, key);
  audit.objects.push({ type: 'share', id: share.shareId });
  if (share.patientId) audit.objects.push({ type: 'patient', id: share.patientId });
  audit.reason = `shared (${share.scope}${share.deidentify ? ', de-identified' : ''}) with ${share.recipientEmail}${share.purpose ? `: ${share.purpose}` : ''}`;
  const result = { share: toShareView(share, deps.clock.now()), link };
  return replayed ? { statusCode: 200 as const, body: result } : { statusCode: 201 as const, body: result };
});
