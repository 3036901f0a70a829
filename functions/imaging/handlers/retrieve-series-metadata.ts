import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { retrieveMetadata } from '../core/retrieve-metadata';
import { imagingIndex } from '../deps';
import { DICOM_JSON, pathUid, serviceRoot, withAbsoluteBulkDataUris } from './dicomweb-http';

export const handler = httpHandler(
  routeById('retrieveSeriesMetadata'),
  async ({ principal, params, raw, audit }) => {
    const study = pathUid(params, 'study');
    audit.objects.push({ type: 'study', id: study });
    const json = await retrieveMetadata(
      { index: imagingIndex() },
      requireCustomer(principal),
      study,
      pathUid(params, 'series'),
    );
    // Already serialized at ingest: sent as is rather than parsed and serialized again.
    return {
      statusCode: 200,
      file: { contentType: DICOM_JSON, content: withAbsoluteBulkDataUris(json, serviceRoot(raw)) },
    };
  },
);
