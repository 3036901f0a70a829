import { currentAttributes, instanceParts } from '../../imaging/core/retrieve';
import { httpHandler } from '../../shared/composition/http-handler';
import { ForbiddenError } from '../../shared/errors';
import { zipStream } from '../../shared/zip-stream';
import { deidentifiedPart10 } from '../adapters/part10-deidentifier';
import { patientPseudonym } from '../core/deidentify';
import { sharedFiles } from '../core/shared-content';
import { sharedFilesDeps, sharingDeps } from '../deps';
import { recordShareAccess, shareUnderSession } from '../http/recipient-http';
import { sharingRoutes } from '../routes';

/**
 * The original files of a download share, as a ZIP streamed while it is read from storage: each file
 * is checked against its stored digest, carries the study's current (edited) attributes, and, for a
 * de-identified share, the Basic Profile. Entry names are positions, never UIDs or patient data.
 */
export const handler = httpHandler(
  sharingRoutes.downloadShare,
  async ({ params, query, raw, audit, requestId }) => {
    const deps = sharingDeps();
    const share = await shareUnderSession(deps, params.token, raw, audit);
    if (share.scope !== 'download')
      throw new ForbiddenError('This share lets you view the images, not download them.');
    const files = sharedFilesDeps();
    const instances = await sharedFiles(files.index, share, query.series);
    audit.objects.push(
      { type: 'study', id: share.studyInstanceUid },
      ...[...new Set(instances.map((instance) => instance.seriesInstanceUid))].map((id) => ({
        type: 'series' as const,
        id,
      })),
    );
    const edits = await files.edits.currentEdits(share.orgId, share.studyInstanceUid);
    const options = { uidKey: share.uidKey, patientPseudonym: patientPseudonym(share.uidKey) };
    const transforms = [
      currentAttributes(edits),
      ...(share.deidentify
        ? [(_: unknown, bytes: AsyncIterable<Uint8Array>) => deidentifiedPart10(bytes, options)]
        : []),
    ];
    const parts = instanceParts(files, instances, undefined, transforms);
    const seriesOrder = [...new Set(instances.map((instance) => instance.seriesInstanceUid))];
    await recordShareAccess(deps, share, 'downloaded', { requestId, raw }, `${instances.length} files`);
    return {
      statusCode: 200,
      headers: { 'content-disposition': 'attachment; filename="shared-study.zip"' },
      stream: {
        contentType: 'application/zip',
        body: zipStream(
          parts.map((part, position) => {
            const instance = instances[position];
            const series = instance ? seriesOrder.indexOf(instance.seriesInstanceUid) + 1 : 0;
            return {
              name: `series-${String(series).padStart(3, '0')}/image-${String(position + 1).padStart(5, '0')}.dcm`,
              open: part.open,
            };
          }),
        ),
      },
    };
  },
);
