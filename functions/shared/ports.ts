import { randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

/**
 * Whether a request fits its organization's allowance (functions/accounts/core/request-quota.ts): an
 * admitted one may carry a count report to settle before its response leaves.
 */
export type QuotaDecision =
  | { readonly admitted: true; readonly report: Promise<void> | undefined }
  | { readonly admitted: false; readonly retryAfterSeconds: number };

export const systemClock: Clock = { now: () => new Date() };
export const uuidIds: IdGenerator = { newId: () => randomUUID() };
