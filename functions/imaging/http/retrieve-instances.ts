import type { WadoQuery } from '#schemas/imaging/wado';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { AuditNotes, RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import { hasEdits } from '../core/attribute-edits';
import { currentAttributes, instanceParts, instancesToRetrieve } from '../core/retrieve';
import { retrieveDeps } from '../deps';
import { acceptOf, multipartResponse, noteRetrieved } from './wado-http';
import { negotiateInstances } from './wado-negotiation';

export interface InstancesRequest {
  principal: CustomerPrincipal;
  scope: { study: string; series?: string; instance?: string };
  raw: RawRequest;
  query: WadoQuery;
  audit: AuditNotes;
}

/**
 * WADO-RS retrieval of a study, a series or one instance (PS3.18 §10.4): one part per instance, streamed
 * one object at a time, each checked against its ingest SHA-256.
 */
export async function retrieveInstancesResponse(
  { principal, scope, raw, query, audit }: InstancesRequest,
  level: 'study' | 'series' | 'instance',
): Promise<HttpResult> {
  const deps = retrieveDeps();
  const [instances, edits] = await Promise.all([
    instancesToRetrieve(deps, principal, scope),
    deps.edits.currentEdits(principal.orgId, scope.study),
  ]);
  noteRetrieved(audit, instances, level);
  negotiateInstances(acceptOf(raw, query), new Set(instances.map((instance) => instance.transferSyntaxUid)));
  // Stored files stay as received; each part leaves carrying the study's current attributes.
  const transforms = hasEdits(edits) ? [currentAttributes(edits)] : [];
  return multipartResponse('application/dicom', instanceParts(deps, instances, undefined, transforms));
}
