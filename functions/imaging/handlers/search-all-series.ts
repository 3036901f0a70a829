import { QidoRootSeriesQuerySchema } from '#schemas/imaging/qido';
import { seriesToDicomJson } from '../core/dicom-json';
import { searchAllSeries } from '../core/search';
import { rootSearchHandler } from './root-search-http';

export const handler = rootSearchHandler(
  'searchAllSeries',
  QidoRootSeriesQuerySchema,
  searchAllSeries,
  ({ series }, root) => seriesToDicomJson(series, root),
);
