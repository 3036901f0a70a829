import middy from '@middy/core';
import { SesMailEventSchema, SnsMailEventsSchema } from '#schemas/mail/suppressions';
import { logger } from '../../shared/logger';
import { recordDeliveryEvent } from '../core/suppressions';
import { suppressionDeps } from '../deps';

/**
 * SES event publishing (configuration set → SNS topic): bounces and complaints suppress the address. A
 * record that is not an SES event is logged (by type, never its content) and skipped.
 */
export const handler = middy<unknown, { suppressed: number }>().handler(async (event) => {
  const { Records } = SnsMailEventsSchema.parse(event);
  let suppressed = 0;
  for (const record of Records) {
    let parsed: ReturnType<typeof SesMailEventSchema.safeParse>;
    try {
      parsed = SesMailEventSchema.safeParse(JSON.parse(record.Sns.Message));
    } catch {
      logger.warn('skipped a delivery event that is not JSON');
      continue;
    }
    if (!parsed.success) {
      logger.warn('skipped a delivery event that is not an SES event');
      continue;
    }
    suppressed += await recordDeliveryEvent(suppressionDeps(), parsed.data);
  }
  return { suppressed };
});
