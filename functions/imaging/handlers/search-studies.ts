import { QidoStudyQuerySchema } from '#schemas/imaging/qido';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { studyToDicomJson } from '../core/dicom-json';
import { resolveIncludeFields } from '../core/include-fields';
import { searchStudies } from '../core/search';
import { imagingIndex } from '../deps';
import { serviceRoot } from './dicomweb-http';
import { parseQidoQuery, qidoResponse } from './qido-http';

export const handler = httpHandler(routeById('searchStudies'), async ({ principal, raw, audit }) => {
  const caller = requireCustomer(principal);
  const query = parseQidoQuery(QidoStudyQuerySchema, raw);
  // Study results carry every attribute the index holds for a study; includefield is checked, not widened.
  resolveIncludeFields(query.includefield);
  if (query.PatientID) audit.objects.push({ type: 'patient', id: query.PatientID });
  const { studies, truncated } = await searchStudies({ index: imagingIndex() }, caller, query);
  for (const study of studies) audit.objects.push({ type: 'study', id: study.studyInstanceUid });
  const root = serviceRoot(raw);
  return qidoResponse(
    studies.map((study) => studyToDicomJson(study, root)),
    truncated,
  );
});
