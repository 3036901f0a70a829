import { renderFrame } from '../../imaging/core/rendering/render';
import { RENDER_LIMITS } from '../../imaging/core/rendering/render-options';
import { renderDeps } from '../../imaging/render-deps';
import { httpHandler } from '../../shared/composition/http-handler';
import { sharedImageAt } from '../core/shared-content';
import { sharedIndex, sharingDeps } from '../deps';
import { recordShareAccess, shareUnderSession } from '../http/recipient-http';
import { sharingRoutes } from '../routes';

/** Shown at most this large; the recipient's viewer needs no more, and the response stays small. */
const VIEWER_SIZE = 1024;

/**
 * One shared image through the imaging context's rendering core, as PNG. Nothing names the instance
 * in the response (no Content-Location), so a de-identified share's UIDs never reach the recipient.
 */
export const handler = httpHandler(
  sharingRoutes.viewSharedImage,
  async ({ params, raw, audit, requestId }) => {
    const deps = sharingDeps();
    const share = await shareUnderSession(deps, params.token, raw, audit);
    const { series, instance } = await sharedImageAt(
      sharedIndex(),
      share,
      Number(params.series),
      Number(params.image),
    );
    audit.objects.push(
      { type: 'study', id: instance.studyInstanceUid },
      { type: 'series', id: instance.seriesInstanceUid },
      { type: 'instance', id: instance.sopInstanceUid },
    );
    const image = await renderFrame(
      renderDeps(),
      { instance, frame: 1 },
      {
        mediaType: 'image/png',
        quality: RENDER_LIMITS.defaultQuality,
        viewport: { width: VIEWER_SIZE, height: VIEWER_SIZE, region: null },
        window: null,
      },
    );
    await recordShareAccess(
      deps,
      share,
      'image-viewed',
      { requestId, raw },
      `series ${series.position} image ${params.image}`,
    );
    return {
      statusCode: 200,
      stream: {
        contentType: 'image/png',
        body: (async function* () {
          yield image;
        })(),
      },
    };
  },
);
