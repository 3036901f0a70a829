import { randomUUID } from 'node:crypto';
import type { WadoQuery } from '#schemas/imaging/wado';
import type { AuditNotes, RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import { multipartRelated, type OutgoingPart, primed } from '../core/multipart-writer';
import type { StoredInstance } from '../core/ports';

/** PS3.18 §8.3.3.1: an `accept` query parameter (for links a browser follows) overrides the header. */
export const acceptOf = (raw: RawRequest, query: WadoQuery) => query.accept ?? raw.header('accept');

/** The audit names what left: each series, each instance when one was asked for, each patient. */
export function noteRetrieved(
  audit: AuditNotes,
  instances: readonly StoredInstance[],
  level: 'study' | 'series' | 'instance',
): void {
  const seen = new Set(audit.objects.map((object) => `${object.type}:${object.id}`));
  const note = (type: 'series' | 'instance' | 'patient', id: string | null | undefined) => {
    if (!id || seen.has(`${type}:${id}`)) return;
    seen.add(`${type}:${id}`);
    audit.objects.push({ type, id });
  };
  for (const instance of instances) {
    note('series', instance.seriesInstanceUid);
    if (level === 'instance') note('instance', instance.sopInstanceUid);
    note('patient', instance.patientId);
  }
}

/**
 * A streamed multipart/related response. Its first part is opened and checked before this returns,
 * so a missing or corrupt first object is still an ordinary error response, and the audit record is
 * written before any byte leaves.
 */
export async function multipartResponse(type: string, parts: readonly OutgoingPart[]): Promise<HttpResult> {
  const boundary = `pacscribe-${randomUUID()}`;
  return {
    statusCode: 200,
    stream: {
      contentType: `multipart/related; type="${type}"; boundary=${boundary}`,
      body: await primed(multipartRelated(boundary, parts)),
    },
  };
}

/** One value sent bare (single-part), for clients that ask for it. */
export async function singlePartResponse(part: OutgoingPart): Promise<HttpResult> {
  return {
    statusCode: 200,
    headers: part.contentLocation ? { 'content-location': part.contentLocation } : {},
    stream: { contentType: part.contentType, body: await primed(await part.open()) },
  };
}
