import type { z } from 'zod';
import type { QidoStudyQuery } from '#schemas/imaging/qido';
import type { CustomerPrincipal } from '../../shared/auth/principal';
import { httpHandler } from '../../shared/http/http-handler';
import { requireCustomer } from '../../shared/http/path-parameters';
import { type RouteId, routeById } from '../../shared/routes';
import { type DicomJsonDataset, studyToDicomJson } from '../core/dicom-json';
import { resolveIncludeFields } from '../core/include-fields';
import type { ImagingIndex, StudyRecord } from '../core/ports';
import type { Page } from '../core/search';
import { imagingIndex } from '../deps';
import { serviceRoot } from './dicomweb-http';
import { parseQidoQuery, qidoResponse } from './qido-http';

/**
 * QIDO-RS at the root (/series, /instances): each result with the attributes of its study, as PS3.18
 * asks there, audited with the studies it reveals.
 */
export function rootSearchHandler<Query extends QidoStudyQuery, Item extends { study: StudyRecord }>(
  routeId: RouteId,
  schema: z.ZodType<Query>,
  search: (deps: { index: ImagingIndex }, principal: CustomerPrincipal, query: Query) => Promise<Page<Item>>,
  toDicomJson: (item: Item, root: string) => DicomJsonDataset,
) {
  return httpHandler(routeById(routeId), async ({ principal, raw, audit }) => {
    const query = parseQidoQuery(schema, raw);
    resolveIncludeFields(query.includefield);
    if (query.PatientID) audit.objects.push({ type: 'patient', id: query.PatientID });
    const { items, truncated } = await search({ index: imagingIndex() }, requireCustomer(principal), query);
    for (const study of new Set(items.map((item) => item.study.studyInstanceUid))) {
      audit.objects.push({ type: 'study', id: study });
    }
    const root = serviceRoot(raw);
    return qidoResponse(
      items.map((item) => ({ ...studyToDicomJson(item.study, root), ...toDicomJson(item, root) })),
      truncated,
    );
  });
}
