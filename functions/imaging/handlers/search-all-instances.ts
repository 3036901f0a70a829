import { QidoRootInstanceQuerySchema } from '#schemas/imaging/qido';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { instanceToDicomJson, studyToDicomJson } from '../core/dicom-json';
import { resolveIncludeFields } from '../core/include-fields';
import { searchAllInstances } from '../core/search';
import { imagingIndex } from '../deps';
import { serviceRoot } from './dicomweb-http';
import { parseQidoQuery, qidoResponse } from './qido-http';

/** QIDO-RS /instances: each instance with the attributes of its study, as PS3.18 asks at the root. */
export const handler = httpHandler(routeById('searchAllInstances'), async ({ principal, raw, audit }) => {
  const query = parseQidoQuery(QidoRootInstanceQuerySchema, raw);
  resolveIncludeFields(query.includefield);
  if (query.PatientID) audit.objects.push({ type: 'patient', id: query.PatientID });
  const { items, truncated } = await searchAllInstances(
    { index: imagingIndex() },
    requireCustomer(principal),
    query,
  );
  const root = serviceRoot(raw);
  const studies = new Set(items.map(({ study }) => study.studyInstanceUid));
  for (const study of studies) audit.objects.push({ type: 'study', id: study });
  return qidoResponse(
    items.map(({ study, instance }) => ({
      ...studyToDicomJson(study, root),
      ...instanceToDicomJson(instance, root),
    })),
    truncated,
  );
});
