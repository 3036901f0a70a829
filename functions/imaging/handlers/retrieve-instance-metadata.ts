import { httpHandler } from '../../shared/composition/http-handler';
import { retrieveInstanceMetadata } from '../core/retrieve-metadata';
import { readDeps } from '../deps';
import { serializedDicomJson, serviceRoot, withAbsoluteBulkDataUris } from '../http/dicomweb-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(
  imagingRoutes.retrieveInstanceMetadata,
  async ({ principal, params, raw, audit }) => {
    const { json, patientId } = await retrieveInstanceMetadata(readDeps(), principal, params);
    if (patientId) audit.objects.push({ type: 'patient', id: patientId });
    return serializedDicomJson(withAbsoluteBulkDataUris(json, serviceRoot(raw)));
  },
);
