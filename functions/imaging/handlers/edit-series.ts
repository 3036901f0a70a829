import { httpHandler } from '../../shared/composition/http-handler';
import { ok } from '../../shared/http/responses';
import { editAttributes } from '../core/study-versions';
import { editDeps } from '../deps';
import { editResponse } from '../http/edit-http';
import { imagingRoutes } from '../routes';

export const handler = httpHandler(imagingRoutes.editSeries, async ({ principal, params, body, audit }) => {
  const deps = editDeps();
  const seriesExists = async (series: string) =>
    (await deps.index.listSeries(principal.orgId, params.study)).some(
      (record) => record.seriesInstanceUid === series,
    );
  const result = await editAttributes(deps, principal, params.study, params.series, body, seriesExists);
  return ok(await editResponse(deps, principal, params.study, result, body.reason, audit));
});
