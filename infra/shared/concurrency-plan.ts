import { type App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { checkAccountConcurrency, type Workload } from '#infra/api/capacity-model';

/** A concurrency plan that cannot deploy or cannot carry the modeled peak; refused at synth. */
export class ConcurrencyPlanError extends Error {
  override readonly name = 'ConcurrencyPlanError';
}

/**
 * Sums the reserved concurrency of every function the app deploys in one region and checks it against the
 * account's quota and the capacity model (infra/api/capacity-model.ts). Lambda refuses reservations that
 * leave fewer than 100 unreserved, and a deploy would fail half-way: synth fails first, with the figures.
 */
export function assertConcurrencyPlan(
  app: App,
  region: string,
  accountConcurrency: number,
  workload: Workload,
) {
  const reservations = app.node
    .findAll()
    .filter((construct): construct is lambda.CfnFunction => construct instanceof lambda.CfnFunction)
    .filter((fn) => Stack.of(fn).region === region)
    .map((fn) => fn.reservedConcurrentExecutions)
    .filter((value): value is number => typeof value === 'number');
  try {
    return checkAccountConcurrency(accountConcurrency, reservations, workload);
  } catch (error) {
    throw new ConcurrencyPlanError((error as Error).message);
  }
}
