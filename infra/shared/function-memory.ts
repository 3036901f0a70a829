import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { MAX_EDITED_HEAD_BYTES } from '#functions/imaging/core/edited-part10';
import { READ_AHEAD_PARTS } from '#functions/imaging/core/multipart-writer';
import { RENDER_LIMITS } from '#functions/imaging/core/rendering/render-options';
import { RETRIEVE_LIMITS } from '#functions/imaging/core/retrieve';
import { TRANSCODE_LIMITS } from '#functions/imaging/core/transcode';
import { routes } from '#functions/shared/routes';
import { MAX_DEIDENTIFIED_FILE_BYTES } from '#functions/sharing/core/deidentify';
import { MAX_STOW_BODY_BYTES } from '#schemas/imaging/upload-session';
import { PROJECT_ROOT } from './project-root';

/**
 * Each function's memory, sized from measurement (issue 11): what its code occupies once loaded, measured
 * by `npm run bench -- functions` into FUNCTION_MEASUREMENTS_FILE, plus the largest working set a request
 * can hold, from the code's own limits; with half again as headroom (garbage collection needs room to
 * run), rounded up to 64 MB. Memory also buys CPU (1,769 MB is one vCPU), so no request function goes
 * below 512 MB (~0.3 vCPU: JSON, SigV4 and TLS are CPU work on every request) and the functions that
 * decode or render pixel data, CPU-bound, get at least 1,024 MB.
 */
export const FUNCTION_MEASUREMENTS_FILE = path.join(
  PROJECT_ROOT,
  'infra',
  'shared',
  'function-measurements.json',
);

const FunctionMeasurementsSchema = z.object({
  measuredAt: z.string(),
  machine: z.string(),
  functions: z.record(
    z.string(),
    z.object({
      bundleKiB: z.number(),
      initMs: z.number(),
      initRssMiB: z.number(),
      loadedRssMiB: z.number(),
    }),
  ),
});
export type FunctionMeasurements = z.infer<typeof FunctionMeasurementsSchema>;

let measurements: FunctionMeasurements | undefined;

/** The committed measurements (read once per process). */
export function functionMeasurements(): FunctionMeasurements {
  measurements ??= existsSync(FUNCTION_MEASUREMENTS_FILE)
    ? FunctionMeasurementsSchema.parse(JSON.parse(readFileSync(FUNCTION_MEASUREMENTS_FILE, 'utf8')))
    : { measuredAt: '', machine: '', functions: {} };
  return measurements;
}

const MiB = 1024 * 1024;
/** Lambda's synchronous response (and request) payload limit: the most a buffered response holds. */
const LAMBDA_PAYLOAD_BYTES = 6 * MiB;

export interface WorkingSet {
  bytes: number;
  why: string;
}

const handlersOf = (predicate: (route: (typeof routes)[number]) => boolean) =>
  new Set(routes.filter(predicate).map((route) => route.handler));
const RENDERING = handlersOf((route) => Boolean(route.imageRendering));
const TRANSCODING = handlersOf((route) => Boolean(route.pixelCodecs));

/** The handlers that send stored objects or ranges as multipart parts, reading the next ones ahead. */
const READS_AHEAD = /^imaging\/handlers\/retrieve-(study|series|instance|frames|bulk-data)$/;

/**
 * The largest data a request of this handler holds at once, from the limits its code enforces: its own
 * work on one part, plus the parts read ahead while it works (READ_AHEAD_PARTS of at most holdBytes).
 */
export function workingSetOf(handler: string): WorkingSet {
  const own = partWorkingSetOf(handler);
  if (!READS_AHEAD.test(handler)) return own;
  return {
    bytes: own.bytes + READ_AHEAD_PARTS * RETRIEVE_LIMITS.holdBytes,
    why: `${own.why}; and the parts read ahead meanwhile (READ_AHEAD_PARTS × RETRIEVE_LIMITS.holdBytes)`,
  };
}

function partWorkingSetOf(handler: string): WorkingSet {
  if (handler === 'sharing/handlers/download-share')
    return {
      bytes: 5 * MAX_DEIDENTIFIED_FILE_BYTES,
      why: 'a file de-identified whole (MAX_DEIDENTIFIED_FILE_BYTES): its chunks, their concatenation, the parser’s copy, the parsed values and the file written back',
    };
  if (RENDERING.has(handler))
    return {
      bytes: RENDER_LIMITS.maxFrameBytes + 2 * RENDER_LIMITS.maxFramePixels * 4,
      why: 'one frame at RENDER_LIMITS: the decoded frame, then two RGBA images (windowed, then resized)',
    };
  if (TRANSCODING.has(handler))
    return {
      // Up to three samples of two bytes per pixel once decoded, then re-encoded.
      bytes: TRANSCODE_LIMITS.maxStoredBytes + 2 * TRANSCODE_LIMITS.maxPixels * 6,
      why: 'one instance at TRANSCODE_LIMITS: as stored, decoded and re-encoded',
    };
  if (handler.startsWith('imaging/handlers/store-instances'))
    return {
      bytes: 4 * MAX_STOW_BODY_BYTES,
      why: 'a STOW body at MAX_STOW_BODY_BYTES: the event’s base64 text, the decoded body, its parts and each part’s parsed data set',
    };
  if (handler.startsWith('imaging/handlers/retrieve'))
    return {
      bytes: 3 * MAX_EDITED_HEAD_BYTES,
      why: 'an edited instance’s head rewritten (MAX_EDITED_HEAD_BYTES): read, parsed and written',
    };
  return {
    bytes: 3 * LAMBDA_PAYLOAD_BYTES,
    why: 'a buffered response at Lambda’s 6 MB payload limit: the value, its JSON text and the bytes sent',
  };
}

export interface MemoryPlan {
  loadedRssMiB: number;
  workingSet: WorkingSet;
  /** What a request can occupy: the loaded code plus the working set, MiB. */
  needMiB: number;
  memoryMB: number;
}

const roundUp = (value: number, step: number) => Math.ceil(value / step) * step;

/** The memory a function gets, from its measurement (or the one given, as the bench passes it). */
export function memoryPlanFor(handler: string, loadedRssMiB?: number): MemoryPlan {
  const loaded = loadedRssMiB ?? functionMeasurements().functions[handler]?.loadedRssMiB;
  if (loaded === undefined)
    throw new Error(`${handler} has no measurement: run \`npm run bench -- functions\` (docs/functions.md)`);
  const workingSet = workingSetOf(handler);
  const needMiB = Math.ceil(loaded + workingSet.bytes / MiB);
  const cpuFloor = RENDERING.has(handler) || TRANSCODING.has(handler) ? 1024 : 512;
  return {
    loadedRssMiB: loaded,
    workingSet,
    needMiB,
    memoryMB: Math.max(cpuFloor, roundUp(needMiB * 1.5, 64)),
  };
}
