import { QidoInstanceQuerySchema } from '#schemas/imaging/qido';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { routeById } from '../../shared/routes';
import { instanceToDicomJson } from '../core/dicom-json';
import { asksBeyond, resolveIncludeFields, withIncludedFields } from '../core/include-fields';
import { searchInstances, storedMetadata } from '../core/search';
import { imagingIndex } from '../deps';
import { pathUid, serviceRoot } from './dicomweb-http';
import { parseQidoQuery, qidoResponse } from './qido-http';

/** QIDO-RS instances of one series, or (without {series}) of a whole study. */
export const searchInstancesHandler = (routeId: 'searchInstances' | 'searchStudyInstances') =>
  httpHandler(routeById(routeId), async ({ principal, params, raw, audit }) => {
    const study = pathUid(params, 'study');
    const series = params.series === undefined ? null : pathUid(params, 'series');
    audit.objects.push({ type: 'study', id: study });
    if (series) audit.objects.push({ type: 'series', id: series });
    const caller = requireCustomer(principal);
    const query = parseQidoQuery(QidoInstanceQuerySchema, raw);
    const fields = resolveIncludeFields(query.includefield);
    const deps = { index: imagingIndex() };
    const { items, truncated } = await searchInstances(deps, caller, study, series, query);
    const root = serviceRoot(raw);
    let results = items.map((instance) => instanceToDicomJson(instance, root));
    if (results[0] && asksBeyond(fields, results[0])) {
      const stored = await storedMetadata(deps, caller, study, series);
      results = items.map((instance, index) =>
        withIncludedFields(
          results[index] as Record<string, unknown>,
          fields,
          stored.get(instance.sopInstanceUid) ?? null,
        ),
      ) as typeof results;
    }
    return qidoResponse(results, truncated);
  });

export const handler = searchInstancesHandler('searchInstances');
