import { readingHttpHandler } from '../../shared/composition/http-handler';
import { retrieveInstanceMetadata } from '../core/retrieve-metadata';
import { readDeps } from '../deps';
import { serializedDicomJson, serviceRoot, withAbsoluteBulkDataUris } from '../http/dicomweb-http';
import { imagingRoutes } from '../routes';

export const handler = readingHttpHandler(
  imagingRoutes.retrieveInstanceMetadata,
  ({ reader, params }) => retrieveInstanceMetadata(readDeps(), reader, params),
  async ({ raw, audit, read }) => {
    const { json, patientId } = await read();
    if (patientId) audit.objects.push({ type: 'patient', id: patientId });
    return serializedDicomJson(withAbsoluteBulkDataUris(json, serviceRoot(raw)));
  },
);
