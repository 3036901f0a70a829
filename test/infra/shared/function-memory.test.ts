import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { READ_AHEAD_PARTS } from '#functions/imaging/core/multipart-writer';
import { RETRIEVE_LIMITS } from '#functions/imaging/core/retrieve';
import { TRANSCODE_LIMITS } from '#functions/imaging/core/transcode';
import { MAX_DEIDENTIFIED_FILE_BYTES } from '#functions/sharing/core/deidentify';
import { functionMeasurements, memoryPlanFor, workingSetOf } from '#infra/shared/function-memory';
import { PacsFunction } from '#infra/shared/pacs-function';
import { MAX_STOW_BODY_BYTES } from '#schemas/imaging/upload-session';
import { synthesizedApp } from '../app-fixture';

const MiB = 1024 * 1024;
const { app, stacks } = synthesizedApp();
const functions = app.node.findAll().filter((node): node is PacsFunction => node instanceof PacsFunction);
const memoryOf = (fn: PacsFunction) =>
  Stack.of(fn).resolve((fn.function.node.defaultChild as CfnFunction).memorySize) as number;

describe('memory sized per function from measurement (issue 11)', () => {
  it('has a measurement (npm run bench -- functions) for every function the app deploys', () => {
    const measured = functionMeasurements().functions;
    const deployed = [...new Set(functions.map((fn) => fn.handler))];
    expect(deployed.length).toBeGreaterThan(100);
    expect(deployed.filter((handler) => !measured[handler])).toEqual([]);
    // And none is stale: each measured handler is deployed.
    expect(Object.keys(measured).filter((handler) => !deployed.includes(handler))).toEqual([]);
  });

  it.each(functions.map((fn) => [fn.node.path, fn] as const))(
    '%s has room for its loaded code and its largest working set, with half again for the collector',
    (_path, fn) => {
      const plan = memoryPlanFor(fn.handler);
      expect(memoryOf(fn)).toBeGreaterThanOrEqual(plan.needMiB * 1.5);
    },
  );

  it('gives each request function exactly its plan: the measured need with headroom, or its CPU floor', () => {
    const routeFunctions = Object.values(stacks.api.routeApi.functions);
    expect(routeFunctions.length).toBeGreaterThan(100);
    for (const fn of routeFunctions) expect(memoryOf(fn)).toBe(memoryPlanFor(fn.handler).memoryMB);
  });

  it('sizes the share download for a file de-identified whole, well above the 512 MB it used to get', () => {
    const shareDownload = functions.find((fn) => fn.handler === 'sharing/handlers/download-share');
    expect(workingSetOf('sharing/handlers/download-share').bytes).toBe(5 * MAX_DEIDENTIFIED_FILE_BYTES);
    expect(memoryOf(shareDownload as PacsFunction)).toBeGreaterThanOrEqual(
      (5 * MAX_DEIDENTIFIED_FILE_BYTES) / MiB,
    );
  });

  it('bounds a working set by the limit the code enforces, and a buffered response by Lambda’s 6 MB payload', () => {
    expect(workingSetOf('imaging/handlers/store-instances').bytes).toBe(4 * MAX_STOW_BODY_BYTES);
    expect(workingSetOf('accounts/handlers/get-me').bytes).toBe(18 * MiB);
    expect(memoryPlanFor('accounts/handlers/get-me', 70)).toMatchObject({ needMiB: 88, memoryMB: 512 });
    expect(memoryPlanFor('sharing/handlers/download-share', 100)).toMatchObject({
      needMiB: 1380,
      memoryMB: 2112,
    });
  });

  it('gives the functions that decode or render pixel data at least 1,024 MB, for the CPU that buys', () => {
    const pixelFunctions = functions.filter((fn) =>
      /retrieve-(rendered|thumbnail)|retrieve-(frames|instance|series|study)$/.test(fn.handler),
    );
    expect(pixelFunctions.length).toBeGreaterThan(8);
    for (const fn of pixelFunctions) expect(memoryOf(fn)).toBeGreaterThanOrEqual(1024);
  });

  it('adds the parts read ahead to the functions that read them, whatever else they hold', () => {
    const readAhead = READ_AHEAD_PARTS * RETRIEVE_LIMITS.holdBytes;
    for (const handler of [
      'imaging/handlers/retrieve-study',
      'imaging/handlers/retrieve-series',
      'imaging/handlers/retrieve-instance',
      'imaging/handlers/retrieve-frames',
      'imaging/handlers/retrieve-bulk-data',
    ]) {
      expect(workingSetOf(handler).why).toContain('READ_AHEAD_PARTS');
    }
    // The transcoding retrievals: one instance at TRANSCODE_LIMITS, and the reads ahead beside it.
    expect(workingSetOf('imaging/handlers/retrieve-series').bytes).toBe(
      TRANSCODE_LIMITS.maxStoredBytes + 2 * TRANSCODE_LIMITS.maxPixels * 6 + readAhead,
    );
    expect(workingSetOf('imaging/handlers/retrieve-bulk-data').bytes).toBe(
      workingSetOf('imaging/handlers/retrieve-series-metadata').bytes + readAhead,
    );
    expect(workingSetOf('imaging/handlers/retrieve-series-metadata').why).not.toContain('READ_AHEAD_PARTS');
  });
});
