/**
 * Builds a value on first use and keeps it: cold-start work done once, and never at import time.
 * Calling once() does nothing else, so module-level calls carry a @__PURE__ annotation: esbuild then drops a
 * composition root's factories a handler never calls, and with them the adapters and AWS SDK clients only
 * those import (a search bundle carries no SES, Cognito or Step Functions client). esbuild honours the
 * function-level @__NO_SIDE_EFFECTS__ only within one file, hence the annotation at each call.
 */
export function once<T>(build: () => T): () => T {
  let value: { built: T } | undefined;
  return () => {
    value ??= { built: build() };
    return value.built;
  };
}
