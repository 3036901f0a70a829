import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { listStudyVersions } from '../core/study-versions';
import { editDeps } from '../deps';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.listStudyVersions, async ({ principal, params }) =>
  ok(await listStudyVersions(editDeps(), principal, params.study)),
);
