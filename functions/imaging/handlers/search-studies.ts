import { QIDO_TAG_KEYWORDS, QidoStudyQuerySchema } from '#schemas/imaging/qido';
import { InvalidInputError } from '../../shared/errors';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { studyToDicomJson } from '../core/dicom-json';
import { searchStudies } from '../core/search';
import { imagingIndex } from '../deps';
import { dicomJson } from './dicomweb-http';

/** PS3.18 §8.3.4.4: tell the client the list was cut short. */
const TRUNCATED =
  '299 PACScribe "The number of results exceeded the maximum supported by the server. Additional results can be requested."';

export const handler = httpHandler(routeById('searchStudies'), async ({ principal, raw, audit }) => {
  const caller = requireCustomer(principal);
  const keyed = Object.fromEntries(
    Object.entries(raw.queryParameters).map(([name, value]) => [
      QIDO_TAG_KEYWORDS[name.toUpperCase()] ?? name,
      value,
    ]),
  );
  const parsed = QidoStudyQuerySchema.safeParse(keyed);
  if (!parsed.success) {
    throw new InvalidInputError(
      'The search parameters are invalid.',
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      })),
    );
  }
  if (parsed.data.PatientID) audit.objects.push({ type: 'patient', id: parsed.data.PatientID });
  const { studies, truncated } = await searchStudies({ index: imagingIndex() }, caller, parsed.data);
  for (const study of studies) audit.objects.push({ type: 'study', id: study.studyInstanceUid });
  return dicomJson(studies.map(studyToDicomJson), 200, truncated ? { warning: TRUNCATED } : {});
});
