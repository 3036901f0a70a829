import { logger } from '../../shared/logger';
import { purgeDueDeletions } from '../core/recoverable-deletes';
import { purgeDeps } from '../deps';

/**
 * Scheduled (EventBridge in AWS, the local scheduler or `npm run purge` locally): purges the deletions
 * whose retention ended. The event carries nothing the purge needs.
 */
export const handler = async (): Promise<{ purged: number; objects: number }> => {
  const result = await purgeDueDeletions(purgeDeps());
  logger.info('purged deleted studies', result);
  return result;
};
