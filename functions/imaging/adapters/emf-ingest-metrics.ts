import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { INGEST_FAILURES_METRIC, METRICS_NAMESPACE } from '#schemas/shared/metrics';
import type { IngestMetrics } from '../core/upload-ports';

/**
 * The ingest's metrics as one embedded-metric-format line per run (Powertools Metrics), without
 * dimensions: one ingest function, one alarm. POWERTOOLS_METRICS_DISABLED silences it locally.
 */
export function emfIngestMetrics(): IngestMetrics {
  return {
    instancesNotStored(count: number) {
      const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
      metrics.clearDefaultDimensions();
      metrics.addDimensions({});
      metrics.addMetric(INGEST_FAILURES_METRIC, MetricUnit.Count, count);
      metrics.publishStoredMetrics();
    },
  };
}
