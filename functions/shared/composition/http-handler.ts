import { buildHttpHandler, type HandlerInput, type HttpRuntime, type ResultOf } from '../http/http-handler';
import type { RouteDefinition } from '../http/route';
import { defaultHttpRuntime } from './http-runtime';

/**
 * The entry point every HTTP handler module builds on: the route's middleware stack over the deployed
 * runtime. Tests pass their own runtime (in-memory tokens, memberships and audit trail).
 */
export function httpHandler<R extends RouteDefinition>(
  route: R,
  run: (input: HandlerInput<R>) => Promise<ResultOf<R>>,
  runtime: () => Promise<HttpRuntime> = defaultHttpRuntime,
) {
  return buildHttpHandler(route, run, runtime);
}
