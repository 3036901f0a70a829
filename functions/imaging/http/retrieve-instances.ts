import type { WadoQuery } from '#schemas/imaging/wado';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import type { AuditNotes, RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import { pixelCodecs } from '../codec-deps';
import { hasEdits } from '../core/attribute-edits';
import type { StoredInstance } from '../core/ports';
import { currentAttributes, instanceParts, instancesToRetrieve } from '../core/retrieve';
import { canTranscode, transcodedTo, withinTranscodeLimits } from '../core/transcode';
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
  const { transcoder } = pixelCodecs();
  const target = negotiateInstances(
    acceptOf(raw, query),
    new Set(instances.map((instance) => instance.transferSyntaxUid)),
    (from, to) => canTranscode(transcoder, from, to),
  );
  if (target) withinTranscodeLimits(instances, target);
  // Stored files stay as received; each part leaves carrying the study's current attributes, then in
  // the negotiated transfer syntax (the transcoder reads the edited file).
  const transforms = hasEdits(edits) ? [currentAttributes(edits)] : [];
  const inTargetSyntax = transcodedTo(transcoder, target);
  const parts = instanceParts(deps, instances, undefined, transforms).map((part, at) =>
    inTargetSyntax(part, instances[at] as StoredInstance),
  );
  return multipartResponse('application/dicom', parts);
}
