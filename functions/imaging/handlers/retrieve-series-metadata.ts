import { readingHttpHandler } from '../../shared/composition/http-handler';
import { retrieveMetadata } from '../core/retrieve-metadata';
import { readDeps } from '../deps';
import { serializedDicomJson, serviceRoot, withAbsoluteBulkDataUris } from '../http/dicomweb-http';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.retrieveSeriesMetadata,
  ({ reader, params }) => retrieveMetadata(readDeps(), reader, params.study, params.series),
  async ({ raw, audit, read }) => {
    const { json, patientIds } = await read();
    audit.objects.push(...patientIds.map((id) => ({ type: 'patient' as const, id })));
    return serializedDicomJson(withAbsoluteBulkDataUris(json, serviceRoot(raw)));
  },
);
