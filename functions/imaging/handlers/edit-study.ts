import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { editAttributes } from '../core/study-versions';
import { editDeps } from '../deps';
import { editResponse } from '../http/edit-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.editStudy, async ({ principal, params, body, audit }) => {
  const deps = editDeps();
  const result = await editAttributes(deps, principal, params.study, null, body, async () => true);
  return ok(await editResponse(deps, principal, params.study, result, body.reason, audit));
});
