import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  type DicomwebOperation,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  REQUEST_METRICS,
} from '#schemas/shared/metrics';

/** What one finished request contributes to the metrics: its route, outcome and time, nothing it carried. */
export interface RequestSample {
  routeId: string;
  operation: DicomwebOperation | null;
  status: number;
  latencyMs: number;
  auditWriteFailed: boolean;
}

/**
 * Publishes one request's metrics as embedded-metric-format lines on stdout (CloudWatch turns them into
 * metrics in Lambda; no API call, no IAM). The same values go out under several dimension sets, in two
 * documents because Powertools warns when one key appears in two sets of a document:
 * - service + route (+ operation), and the service alone: the detail, and per-context views;
 * - no dimension at all, and the DICOMweb operation alone: API-wide totals for the alarms (a total that
 *   covers every route as it is added, where a sum over services would need editing, and an alarm may
 *   name at most 10 metrics) and the dashboard's per-operation latency.
 *
 * Two Metrics instances per function instance, built once (each construction reads the environment and
 * builds a Console: about 3 % of a QIDO request's CPU when done per request). Sharing them is safe even where
 * one process serves concurrent requests (the local stack): a request adds and publishes its metrics in
 * one synchronous run, and publishing clears what it added. They are rebuilt only if the settings they
 * read change (the unit tests switch POWERTOOLS_METRICS_DISABLED). POWERTOOLS_METRICS_DISABLED (set by the
 * local stack and the unit tests) silences the output; the code path stays the one Lambda runs.
 */
export function publishRequestMetrics(sample: RequestSample): void {
  const { detail, totals } = requestMetrics();
  detail.addDimension(METRIC_DIMENSIONS.route, sample.routeId);
  if (sample.operation) detail.addDimension(METRIC_DIMENSIONS.operation, sample.operation);
  detail.addDimensions({});
  addRequestValues(detail, sample).publishStoredMetrics();

  totals.addDimensions({});
  if (sample.operation) totals.addDimensions({ [METRIC_DIMENSIONS.operation]: sample.operation });
  addRequestValues(totals, sample).publishStoredMetrics();
}

let built: { settings: string; detail: Metrics; totals: Metrics } | undefined;

function requestMetrics(): { detail: Metrics; totals: Metrics } {
  const service = process.env.POWERTOOLS_SERVICE_NAME ?? 'pacscribe';
  const settings = `${service}|${process.env.POWERTOOLS_METRICS_DISABLED}|${process.env.POWERTOOLS_DEV}`;
  if (built?.settings !== settings) {
    const totals = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });
    totals.clearDefaultDimensions();
    built = { settings, detail: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service }), totals };
  }
  return built;
}

function addRequestValues(metrics: Metrics, sample: RequestSample): Metrics {
  const count = (name: string, happened: boolean) =>
    metrics.addMetric(name, MetricUnit.Count, happened ? 1 : 0);
  metrics.addMetric(REQUEST_METRICS.latency, MetricUnit.Milliseconds, sample.latencyMs);
  count(REQUEST_METRICS.requests, true);
  // Zeros too: an error rate is then a plain average, and an alarm sees traffic without errors.
  count(REQUEST_METRICS.clientErrors, sample.status >= 400 && sample.status < 500);
  count(REQUEST_METRICS.serverErrors, sample.status >= 500);
  count(REQUEST_METRICS.throttled, sample.status === 429);
  count(REQUEST_METRICS.auditWriteFailures, sample.auditWriteFailed);
  return metrics;
}
