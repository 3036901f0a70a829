import type { WadoQuery } from '#schemas/imaging/wado';
import type { OrganizationReader } from '../../shared/auth/principal';
import type { AuditNotes, HandlerInput, RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import { pixelCodecs } from '../codec-deps';
import { type AttributeEdits, hasEdits } from '../core/attribute-edits';
import type { StoredInstance } from '../core/ports';
import { currentAttributes, instanceParts, instancesToRetrieve } from '../core/retrieve';
import { canTranscode, transcodedTo, withinTranscodeLimits } from '../core/transcode';
import { instanceLinks, retrieveDeps } from '../deps';
import { acceptOf, multipartResponse, noteRetrieved, singlePartResponse } from './wado-http';
import { negotiateInstances, prefersSinglePartInstance } from './wado-negotiation';

type Scope = { study: string; series?: string; instance?: string };

/** What a retrieval reads from the index: the instances in scope and their study's current edits. */
export interface InstancesToSend {
  instances: StoredInstance[];
  edits: AttributeEdits;
}

/** The index reads of a retrieval, as a read-ahead: they need only the organization and the scope. */
export async function instancesToSend(reader: OrganizationReader, scope: Scope): Promise<InstancesToSend> {
  const deps = retrieveDeps();
  const [instances, edits] = await Promise.all([
    instancesToRetrieve(deps, reader, scope),
    deps.edits.currentEdits(reader.orgId, scope.study),
  ]);
  return { instances, edits };
}

export interface InstancesRequest {
  raw: RawRequest;
  query: WadoQuery;
  audit: AuditNotes;
  read(): Promise<InstancesToSend>;
  startAuditRecord: HandlerInput<never>['startAuditRecord'];
}

/**
 * Lambda and API Gateway stream the first 6 MB of a response at full speed, then 2 MB/s: a larger bare
 * instance, stored as it must be sent (no edits), is handed to S3 instead.
 */
export const REDIRECT_INSTANCE_BYTES = 6 * 1024 * 1024;
/** A presigned URL lives long enough to be followed, never long enough to be passed on. */
export const INSTANCE_URL_SECONDS = 60;

/**
 * One instance bare (`application/dicom`): streamed when small or edited (the edit is applied on the way
 * out), otherwise a 303 to a short-lived presigned URL of the stored object, which S3 serves at its own
 * speed. The route's audit record is written before the response, so before the URL leaves.
 */
async function singleInstanceResponse(
  instance: StoredInstance,
  edits: AttributeEdits,
  { audit, startAuditRecord }: Pick<InstancesRequest, 'audit' | 'startAuditRecord'>,
): Promise<HttpResult> {
  if (!hasEdits(edits) && instance.sizeBytes > REDIRECT_INSTANCE_BYTES) {
    const url = await instanceLinks().presign(instance.objectKey, INSTANCE_URL_SECONDS);
    audit.reason = `${instance.sizeBytes} bytes served from storage through a ${INSTANCE_URL_SECONDS}-second presigned URL`;
    return { statusCode: 303, headers: { location: url } };
  }
  startAuditRecord(200);
  const [part] = instanceParts(
    retrieveDeps(),
    [instance],
    undefined,
    hasEdits(edits) ? [currentAttributes(edits)] : [],
  );
  if (!part) throw new Error('no part for the instance');
  return singlePartResponse({
    ...part,
    contentType: `application/dicom; transfer-syntax=${instance.transferSyntaxUid}`,
  });
}

/**
 * WADO-RS retrieval of a study, a series or one instance (PS3.18 §10.4): one part per instance, streamed
 * with the next objects read ahead (READ_AHEAD_PARTS), each checked against its ingest SHA-256.
 */
export async function retrieveInstancesResponse(
  request: InstancesRequest,
  level: 'study' | 'series' | 'instance',
): Promise<HttpResult> {
  const { raw, query, audit, startAuditRecord } = request;
  const deps = retrieveDeps();
  const { instances, edits } = await request.read();
  noteRetrieved(audit, instances, level);
  const [one] = instances;
  if (level === 'instance' && one && prefersSinglePartInstance(acceptOf(raw, query), one.transferSyntaxUid)) {
    return singleInstanceResponse(one, edits, request);
  }
  const { transcoder } = pixelCodecs();
  const target = negotiateInstances(
    acceptOf(raw, query),
    new Set(instances.map((instance) => instance.transferSyntaxUid)),
    (from, to) => canTranscode(transcoder, from, to),
  );
  if (target) withinTranscodeLimits(instances, target);
  // The audit notes are final: the record is written beside the first object's storage read.
  startAuditRecord(200);
  // Stored files stay as received; each part leaves carrying the study's current attributes, then in
  // the negotiated transfer syntax (the transcoder reads the edited file).
  const transforms = hasEdits(edits) ? [currentAttributes(edits)] : [];
  const inTargetSyntax = transcodedTo(transcoder, target);
  const parts = instanceParts(deps, instances, undefined, transforms).map((part, at) =>
    inTargetSyntax(part, instances[at] as StoredInstance),
  );
  return multipartResponse('application/dicom', parts);
}
