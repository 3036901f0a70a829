import { httpHandler } from '../../shared/composition/http-handler';
import { ShareUnavailableError, sharedSession } from '../core/redemption';
import { sharedImages, sharedSeries } from '../core/shared-content';
import { sharedIndex, sharingDeps } from '../deps';
import { noteShare, recordShareAccess } from '../http/recipient-http';
import { seeOther, unavailablePage, viewerPage } from '../http/share-pages';
import { sessionTokenOf } from '../http/share-session-cookie';
import { sharingRoutes } from '../routes';

/**
 * The viewer: series by modality and number, one image at a time. It shows no patient, study or
 * institution attribute at all, de-identified or not; images come from their own route, by position.
 */
export const handler = httpHandler(
  sharingRoutes.viewShare,
  async ({ params, query, raw, audit, requestId }) => {
    const deps = sharingDeps();
    const { token } = params;
    try {
      const { share, session } = await sharedSession(deps, token, sessionTokenOf(raw));
      noteShare(audit, share);
      if (session !== 'open') return seeOther(`/s/${token}`);
      const index = sharedIndex();
      const series = await sharedSeries(index, share);
      const chosen = series.find((entry) => entry.position === query.series) ?? series[0];
      const images = chosen ? await sharedImages(index, share, chosen.series) : [];
      const image = Math.min(query.image, Math.max(images.length, 1));
      const counts = await Promise.all(
        series.map(async (entry) =>
          entry === chosen ? images.length : (await sharedImages(index, share, entry.series)).length,
        ),
      );
      if (chosen) audit.objects.push({ type: 'series', id: chosen.series.seriesInstanceUid });
      audit.objects.push({ type: 'study', id: share.studyInstanceUid });
      await recordShareAccess(
        deps,
        share,
        'viewed',
        { requestId, raw },
        chosen ? `series ${chosen.position}` : null,
      );
      return viewerPage({
        token,
        series: series.map((entry, position) => ({
          position: entry.position,
          label: `Series ${entry.series.seriesNumber ?? entry.position}${entry.series.modality ? ` · ${entry.series.modality}` : ''}`,
          images: counts[position] ?? 0,
        })),
        current: chosen ? { series: chosen.position, image, images: images.length } : null,
        download: share.scope === 'download',
        deidentified: share.deidentify,
        expiresAt: share.expiresAt,
      });
    } catch (error) {
      if (error instanceof ShareUnavailableError) return unavailablePage(404, error.message);
      throw error;
    }
  },
);
