import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { UploadIngestInputSchema, type UploadIngestResult } from '#schemas/imaging/upload-session';
import { logFailure } from '../../shared/logger';
import { systemClock } from '../../shared/ports';
import { abandonUploadIngest, ingestUploadSession } from '../core/ingest-upload';
import { ingestDeps, stagingArea, uploadSessions } from '../deps';

/** Time kept back for the last commit: a quarter of the invocation's time, at most two minutes. */
const MAX_RESERVE_MS = 2 * 60 * 1000;

/**
 * Step Functions task of the upload-ingest workflow. State is validated on entry and holds ids only;
 * the step `give-up` runs once the workflow's retries are spent.
 */
export const handler = middy<unknown, UploadIngestResult, Error, Context>().handler(
  async (event, context) => {
    const input = UploadIngestInputSchema.parse(event);
    const ids = { orgId: input.orgId, sessionId: input.sessionId };
    if (input.step === 'give-up') {
      await abandonUploadIngest(
        { sessions: uploadSessions(), staging: stagingArea(), clock: systemClock },
        ids,
      );
      return { done: true };
    }
    const reserveMs = Math.min(MAX_RESERVE_MS, context.getRemainingTimeInMillis() / 4);
    try {
      return await ingestUploadSession(ingestDeps(), ids, {
        hasTimeLeft: () => context.getRemainingTimeInMillis() > reserveMs,
      });
    } catch (error) {
      // The workflow retries; the log says which session failed and why (error class and frames only).
      logFailure('upload ingest failed', error, { route: 'ingest-upload-session', requestId: ids.sessionId });
      throw error;
    }
  },
);
