import {
  buildHttpHandler,
  type HandlerInput,
  type HttpRuntime,
  type ReadAhead,
  type ResultOf,
} from '../http/http-handler';
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

/**
 * A read route whose first read may start beside the membership read (see ReadAhead): the handler takes
 * its result from `read()`, whether it was started early or is started then.
 */
export function readingHttpHandler<R extends RouteDefinition, T>(
  route: R,
  readAhead: ReadAhead<R, T>,
  run: (input: HandlerInput<R, T>) => Promise<ResultOf<R>>,
  runtime: () => Promise<HttpRuntime> = defaultHttpRuntime,
) {
  return buildHttpHandler(route, run, runtime, readAhead);
}
