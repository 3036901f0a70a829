import { httpHandler } from '../../shared/composition/http-handler';
import { retrieveMetadata } from '../core/retrieve-metadata';
import { imagingIndex } from '../deps';
import { serializedDicomJson, serviceRoot, withAbsoluteBulkDataUris } from '../http/dicomweb-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(
  imagingRoutes.retrieveSeriesMetadata,
  async ({ principal, params, raw }) => {
    const json = await retrieveMetadata({ index: imagingIndex() }, principal, params.study, params.series);
    return serializedDicomJson(withAbsoluteBulkDataUris(json, serviceRoot(raw)));
  },
);
