import type { HandlerInput } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import type { HttpResult } from '../../shared/http/responses';
import { instanceParts, instancesToRetrieve } from '../core/retrieve';
import { pathUid } from './dicomweb-http';
import { acceptOf, multipartResponse, noteRetrieved, retrieveDeps } from './wado-http';
import { negotiateInstances } from './wado-negotiation';

/**
 * WADO-RS retrieval of a study, a series or one instance (PS3.18 §10.4): one part per instance, streamed
 * one object at a time, each checked against its ingest SHA-256.
 */
export async function retrieveInstancesResponse(
  { principal, params, raw, audit }: HandlerInput<undefined>,
  level: 'study' | 'series' | 'instance',
): Promise<HttpResult> {
  const study = pathUid(params, 'study');
  audit.objects.push({ type: 'study', id: study });
  const scope = {
    study,
    ...(level !== 'study' ? { series: pathUid(params, 'series') } : {}),
    ...(level === 'instance' ? { instance: pathUid(params, 'instance') } : {}),
  };
  const deps = retrieveDeps();
  const instances = await instancesToRetrieve(deps, requireCustomer(principal), scope);
  noteRetrieved(audit, instances, level);
  negotiateInstances(acceptOf(raw), new Set(instances.map((instance) => instance.transferSyntaxUid)));
  return multipartResponse('application/dicom', instanceParts(deps, instances));
}
