import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { retrieveInstanceMetadata } from '../core/retrieve-metadata';
import { imagingIndex } from '../deps';
import { DICOM_JSON, serviceRoot, withAbsoluteBulkDataUris } from './dicomweb-http';
import { instanceIds } from './wado-http';

export const handler = httpHandler(
  routeById('retrieveInstanceMetadata'),
  async ({ principal, params, raw, audit }) => {
    const ids = instanceIds(params);
    audit.objects.push(
      { type: 'study', id: ids.study },
      { type: 'series', id: ids.series },
      { type: 'instance', id: ids.instance },
    );
    const { json, patientId } = await retrieveInstanceMetadata(
      { index: imagingIndex() },
      requireCustomer(principal),
      ids,
    );
    if (patientId) audit.objects.push({ type: 'patient', id: patientId });
    // Already serialized at ingest: sent as is rather than parsed and serialized again.
    return {
      statusCode: 200,
      file: { contentType: DICOM_JSON, content: withAbsoluteBulkDataUris(json, serviceRoot(raw)) },
    };
  },
);
