import middy from '@middy/core';
import { checkOverdueOptOuts } from '../core/propagation';
import { overdueCheckDeps } from '../deps';

/** Scheduled: publishes how many opt-outs are past their deadline; the alarm fires on any [PP-21]. */
export const handler = middy<unknown, { overdue: number; propagationIds: string[] }>().handler(async () =>
  checkOverdueOptOuts(overdueCheckDeps()),
);
