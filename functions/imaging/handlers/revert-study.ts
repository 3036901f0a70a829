import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { revertStudy } from '../core/study-versions';
import { editDeps } from '../deps';
import { editResponse } from '../http/edit-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.revertStudy, async ({ principal, params, body, audit }) => {
  const deps = editDeps();
  const result = await revertStudy(deps, principal, params.study, Number(params.version), body.reason);
  return ok(await editResponse(deps, principal, params.study, result, body.reason, audit));
});
