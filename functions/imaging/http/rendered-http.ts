import type { RenderedQuery } from '#schemas/imaging/rendered';
import type { OrganizationReader } from '../../shared/auth/principal';
import { NotAcceptableError } from '../../shared/errors';
import type { AuditNotes, RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import { type RenderScope, type RenderTarget, renderedParts, renderTargets } from '../core/rendering/render';
import { type RenderedMediaType, renderOptions, thumbnailOptions } from '../core/rendering/render-options';
import { parseFrameList } from '../core/retrieve';
import { renderDeps } from '../render-deps';
import { multipartResponse, noteRetrieved, singlePartResponse } from './wado-http';
import { mediaRanges } from './wado-negotiation';

const RENDERED_TYPES: readonly RenderedMediaType[] = ['image/jpeg', 'image/png'];

/**
 * PS3.18 §8.7.4: rendered images as image/jpeg (the default) or image/png, bare or as the type of a
 * multipart/related response. Any other type (gif, video, DICOM) is 406.
 */
export function negotiateRendered(accept: string | undefined): RenderedMediaType {
  for (const range of mediaRanges(accept)) {
    const type = range.mediaType === 'multipart/related' ? range.type : range.mediaType;
    if (type === undefined || type === '*/*' || type === 'image/*') return 'image/jpeg';
    const offered = RENDERED_TYPES.find((candidate) => candidate === type);
    if (offered) return offered;
  }
  throw new NotAcceptableError('Offered: image/jpeg or image/png (bare, or as multipart/related).');
}

type RenderedParams = { study: string; series?: string; instance?: string; frameList?: string };

export interface RenderedRequest {
  params: RenderedParams;
  query: RenderedQuery;
  raw: RawRequest;
  audit: AuditNotes;
  /** The targets, read beside the membership (renderedTargets) or once it is known. */
  read: () => Promise<RenderTarget[]>;
  startAuditRecord: (status: 200) => void;
}

function scopeOf(params: RenderedRequest['params']): RenderScope {
  const { study, series, instance, frameList } = params;
  if (series === undefined) return { level: 'study', study };
  if (instance === undefined) return { level: 'series', study, series };
  if (frameList === undefined) return { level: 'instance', study, series, instance };
  return { level: 'frames', study, series, instance, frames: parseFrameList(frameList) };
}

/**
 * What a rendered or thumbnail request renders (a thumbnail: one representative frame), read through the
 * index: the handlers' read-ahead, so for one instance its record and DICOM JSON are read beside the
 * membership.
 */
export const renderedTargets =
  (kind: 'rendered' | 'thumbnail') =>
  ({ reader, params }: { reader: OrganizationReader; params: RenderedParams }) =>
    renderTargets(renderDeps(), reader, scopeOf(params), kind === 'thumbnail');

/**
 * Rendered (PS3.18 §9.5) and thumbnail (§9.6) resources. One image is sent bare; several (a study or
 * series, or a list of frames) as multipart/related, one rendered frame per part. The audit names what
 * is rendered before the first image is produced, and is written beside the first frame's storage read.
 */
export async function renderedResponse(
  { params, query, raw, audit, read, startAuditRecord }: RenderedRequest,
  kind: 'rendered' | 'thumbnail',
): Promise<HttpResult> {
  const scope = scopeOf(params);
  const requested = renderOptions(query, negotiateRendered(query.accept ?? raw.header('accept')));
  const options = kind === 'thumbnail' ? thumbnailOptions(requested) : requested;
  const deps = renderDeps();
  const targets = await read();
  noteRetrieved(
    audit,
    targets.map((target) => target.instance),
    scope.level === 'frames' ? 'instance' : scope.level,
  );
  startAuditRecord(200);
  const parts = renderedParts(deps, targets, options);
  // A study or series is always multipart, however many images it has; one frame is sent bare.
  const single =
    kind === 'thumbnail' || scope.level === 'instance' || (scope.level === 'frames' && parts.length === 1);
  return single
    ? singlePartResponse(parts[0] as (typeof parts)[number])
    : multipartResponse(options.mediaType, parts);
}
