import { httpHandler } from '../../shared/composition/http-handler';
import { retrieveMetadata } from '../core/retrieve-metadata';
import { readDeps } from '../deps';
import { serializedDicomJson, serviceRoot, withAbsoluteBulkDataUris } from '../http/dicomweb-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(
  imagingRoutes.retrieveStudyMetadata,
  async ({ principal, params, raw, audit }) => {
    const { json, patientIds } = await retrieveMetadata(readDeps(), principal, params.study, null);
    audit.objects.push(...patientIds.map((id) => ({ type: 'patient' as const, id })));
    return serializedDicomJson(withAbsoluteBulkDataUris(json, serviceRoot(raw)));
  },
);
