/** Builds a value on first use and keeps it: cold-start work done once, and never at import time. */
export function once<T>(build: () => T): () => T {
  let value: { built: T } | undefined;
  return () => {
    value ??= { built: build() };
    return value.built;
  };
}
