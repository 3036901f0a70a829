/**
 * What V8's garbage collector did in a process, read from the lines it prints under `--trace-gc
 * --trace-gc-nvp` (one per collection, as name=value pairs). A CPU profile shows how long collections
 * took; these say why: how many bytes each young collection found alive (copied within the young
 * generation or promoted to the old), and how often the old generation was collected whole.
 */

/** The flags that make a Node process print one line per collection. */
export const COLLECTOR_TRACE_FLAGS = ['--trace-gc', '--trace-gc-nvp'] as const;

export interface Collection {
  /** Young (a scavenge, or a minor mark-compact) or full (a mark-compact of the whole heap). */
  kind: 'young' | 'full';
  pauseMs: number;
  /** Bytes a collection found alive in the young generation: copied within it, or promoted out of it. */
  survivedBytes: number;
  promotedBytes: number;
}

// Scavenges, and the minor mark-compacts (or mark-sweeps) some V8 versions use instead.
const YOUNG_KINDS = new Set(['s', 'mmc', 'mms']);

/** One collection from a line of `--trace-gc-nvp`'s output; undefined for any other line. */
export function parseCollection(line: string): Collection | undefined {
  const fields = new Map<string, string>();
  for (const match of line.matchAll(/(?:^|\s)([a-z_.]+)=(\S+)/g)) {
    if (match[1] && match[2] !== undefined) fields.set(match[1], match[2]);
  }
  const bytes = (name: string) => Number(fields.get(name) ?? 0) || 0;
  const kind = fields.get('gc');
  const pause = Number(fields.get('pause'));
  if (!kind || !Number.isFinite(pause)) return undefined;
  return {
    kind: YOUNG_KINDS.has(kind) ? 'young' : 'full',
    pauseMs: pause,
    // V8 prints the two parts of what survived apart: `new_space_survived` is what stayed young (copied).
    survivedBytes: bytes('new_space_survived') + bytes('promoted'),
    promotedBytes: bytes('promoted'),
  };
}

/**
 * The collections a process has printed so far, fed its output as it arrives (lines may be cut across
 * chunks). Everything else the process prints is passed over.
 */
export class CollectorTrace {
  readonly collections: Collection[] = [];
  private pending = '';

  feed(chunk: Buffer | string): void {
    const lines = (this.pending + chunk.toString()).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      const collection = parseCollection(line);
      if (collection) this.collections.push(collection);
    }
  }
}

/** A trace to feed a process's output, when its Node flags ask V8 to print its collections. */
export function collectorTraceFor(nodeArgs: readonly string[] | undefined): CollectorTrace | undefined {
  return COLLECTOR_TRACE_FLAGS.every((flag) => nodeArgs?.includes(flag)) ? new CollectorTrace() : undefined;
}

export interface CollectorFigures {
  young: number;
  /** Per request. */
  survivedKiB: number;
  promotedKiB: number;
  youngPauseMs: number;
  full: number;
  /** Per request. */
  fullPauseMs: number;
}

/** What the collections of a window amount to, per request where it says so. */
export function collectorFigures(collections: readonly Collection[], requests: number): CollectorFigures {
  const per = (value: number) => value / Math.max(requests, 1);
  const young = collections.filter((collection) => collection.kind === 'young');
  const full = collections.filter((collection) => collection.kind === 'full');
  const sum = (list: readonly Collection[], of: (collection: Collection) => number) =>
    list.reduce((total, collection) => total + of(collection), 0);
  return {
    young: young.length,
    survivedKiB: per(sum(young, (collection) => collection.survivedBytes) / 1024),
    promotedKiB: per(sum(young, (collection) => collection.promotedBytes) / 1024),
    youngPauseMs: per(sum(young, (collection) => collection.pauseMs)),
    full: full.length,
    fullPauseMs: per(sum(full, (collection) => collection.pauseMs)),
  };
}
