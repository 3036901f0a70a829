import { QidoSeriesQuerySchema } from '#schemas/imaging/qido';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { seriesToDicomJson } from '../core/dicom-json';
import { asksBeyond, atSeriesLevel, resolveIncludeFields, withIncludedFields } from '../core/include-fields';
import { searchSeries, storedMetadata } from '../core/search';
import { imagingIndex } from '../deps';
import { pathUid, serviceRoot } from './dicomweb-http';
import { parseQidoQuery, qidoResponse } from './qido-http';

export const handler = httpHandler(routeById('searchSeries'), async ({ principal, params, raw, audit }) => {
  const study = pathUid(params, 'study');
  audit.objects.push({ type: 'study', id: study });
  const caller = requireCustomer(principal);
  const query = parseQidoQuery(QidoSeriesQuerySchema, raw);
  const fields = atSeriesLevel(resolveIncludeFields(query.includefield));
  const deps = { index: imagingIndex() };
  const { items, truncated } = await searchSeries(deps, caller, study, query);
  const root = serviceRoot(raw);
  let results = items.map((series) => seriesToDicomJson(series, root));
  if (results[0] && asksBeyond(fields, results[0])) {
    // Series-level attributes beyond the index come from the series' first stored instance.
    const firstBySeries = new Map<string, Record<string, Record<string, unknown>>>();
    for (const dataset of (await storedMetadata(deps, caller, study, null)).values()) {
      const series = (dataset['0020000E']?.Value as unknown[] | undefined)?.[0];
      if (typeof series === 'string' && !firstBySeries.has(series)) firstBySeries.set(series, dataset);
    }
    results = items.map((series, index) =>
      withIncludedFields(
        results[index] as Record<string, unknown>,
        fields,
        firstBySeries.get(series.seriesInstanceUid) ?? null,
      ),
    ) as typeof results;
  }
  return qidoResponse(results, truncated);
});
