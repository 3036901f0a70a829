import { OVERDUE_OPT_OUT_METRIC } from '#schemas/mail/env';
import type { MailMetrics } from '../core/ports';

/**
 * CloudWatch embedded metric format: one JSON line on stdout becomes a metric in Lambda, with no IAM
 * permission and no API call. `write` is where the line goes (stdout in Lambda; tests record it).
 */
export function emfMailMetrics(
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): MailMetrics {
  return {
    overdueOptOuts(count: number) {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: Date.now(),
            CloudWatchMetrics: [
              {
                Namespace: OVERDUE_OPT_OUT_METRIC.namespace,
                Dimensions: [[]],
                Metrics: [{ Name: OVERDUE_OPT_OUT_METRIC.name, Unit: 'Count' }],
              },
            ],
          },
          [OVERDUE_OPT_OUT_METRIC.name]: count,
        }),
      );
    },
  };
}
