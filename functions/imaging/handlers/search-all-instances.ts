import { QidoRootInstanceQuerySchema } from '#schemas/imaging/qido';
import { instanceToDicomJson } from '../core/dicom-json';
import { searchAllInstances } from '../core/search';
import { rootSearchHandler } from './root-search-http';

export const handler = rootSearchHandler(
  'searchAllInstances',
  QidoRootInstanceQuerySchema,
  searchAllInstances,
  ({ instance }, root) => instanceToDicomJson(instance, root),
);
