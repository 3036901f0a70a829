import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  DICOMWEB_OPERATIONS,
  INGEST_FAILURES_METRIC,
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  REQUEST_METRICS,
} from '#schemas/shared/metrics';

/**
 * The alarms' thresholds, in one place for review. Counts are per evaluation period; the API error rate
 * is a percentage of requests, judged only once there is traffic enough for a rate to mean something.
 */
export const ALARM_THRESHOLDS = {
  /** % of API responses that are 5xx (API Gateway's count: timeouts and crashes too), over 5 minutes. */
  apiServerErrorPercent: 5,
  /** Below this many requests in 5 minutes the rate is not judged: one failure of three is not an outage. */
  apiMinimumRequests: 20,
  /** Lambda errors (crashes, timeouts, failed task steps) across the account's functions, in 5 minutes. */
  lambdaErrors: 5,
  /** Lambda throttles in each of two consecutive 5-minute periods: capped routes shed bursts by design. */
  lambdaThrottles: 10,
  /** Requests WAF blocked (rate limits and managed rules) in 5 minutes: a flood or a client in a loop. */
  wafBlockedRequests: 1000,
} as const;

const FIVE_MINUTES = Duration.minutes(5);

export interface ObservabilityProps {
  /** Names the dashboard and the topic, so stages in one account stay apart. */
  stageName: string;
  api: apigw.RestApi;
  /** The web ACL's CloudWatch metric name (its visibility config), the `WebACL` dimension of WAF's metrics. */
  webAclMetricName: string;
  /** The workflows whose failed or timed-out executions page ops, by a readable name. */
  workflows: Readonly<Record<string, sfn.IStateMachine>>;
  /** Services (POWERTOOLS_SERVICE_NAME) of the API's functions, for per-context latency on the dashboard. */
  apiServices: readonly string[];
  /** Subscribed to the alarm topic when set; otherwise ops subscribe their paging tool themselves. */
  alarmEmail?: string;
}

/** The alarms this construct creates, by the signal each one watches. */
export type ObservedSignal =
  | 'apiServerErrorRate'
  | 'lambdaErrors'
  | 'lambdaThrottles'
  | 'wafBlockedRequests'
  | 'auditWriteFailures'
  | 'ingestFailures';

/**
 * What ops watch: the request and ingest metrics the functions publish (schemas/shared/metrics.ts), the
 * AWS metrics of API Gateway, Lambda, WAF and Step Functions, alarms on each signal that needs a person,
 * all sent to one KMS-encrypted, TLS-only SNS topic, and one dashboard. Metric dimensions carry route ids
 * and operation names only, so nothing here shows PHI.
 */
export class Observability extends Construct {
  readonly alerts: sns.Topic;
  readonly alarms: Readonly<Record<ObservedSignal, cloudwatch.Alarm>>;
  /** One alarm per workflow, on executions that failed or timed out. */
  readonly workflowAlarms: Readonly<Record<string, cloudwatch.Alarm>>;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alerts = this.createTopic(props);
    const action = new cloudwatchActions.SnsAction(this.alerts);
    const region = Stack.of(this).region;

    const apiRequests = props.api.metricCount({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES });
    const apiServerErrors = props.api.metricServerError({
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
    });
    const apiServerErrorPercent = new cloudwatch.MathExpression({
      expression: `IF(requests >= ${ALARM_THRESHOLDS.apiMinimumRequests}, 100 * errors / requests, 0)`,
      usingMetrics: { requests: apiRequests, errors: apiServerErrors },
      label: 'API 5xx (% of requests)',
      period: FIVE_MINUTES,
    });
    const wafBlocked = new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: props.webAclMetricName, Rule: 'ALL', Region: region },
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
    });
    const lambdaErrors = lambda.Function.metricAllErrors({
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
    });
    const lambdaThrottles = lambda.Function.metricAllThrottles({
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
    });
    const auditWriteFailures = appMetric(
      REQUEST_METRICS.auditWriteFailures,
      cloudwatch.Stats.SUM,
      Duration.minutes(1),
    );
    const ingestFailures = appMetric(INGEST_FAILURES_METRIC, cloudwatch.Stats.SUM, FIVE_MINUTES);

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      options: Omit<cloudwatch.CreateAlarmOptions, 'alarmName'>,
    ) => {
      const created = new cloudwatch.Alarm(this, name, {
        metric,
        alarmName: `pacscribe-${props.stageName}-${name}`,
        // No datapoint means no traffic (or no failure) for these signals, not trouble.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(action);
      return created;
    };
    this.alarms = {
      apiServerErrorRate: alarm('ApiServerErrorRate', apiServerErrorPercent, {
        alarmDescription: `More than ${ALARM_THRESHOLDS.apiServerErrorPercent}% of API responses were 5xx in two of three 5-minute periods (at least ${ALARM_THRESHOLDS.apiMinimumRequests} requests).`,
        threshold: ALARM_THRESHOLDS.apiServerErrorPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
      lambdaErrors: alarm('LambdaErrors', lambdaErrors, {
        alarmDescription: `${ALARM_THRESHOLDS.lambdaErrors} or more Lambda invocations failed (crash, timeout, failed task) in 5 minutes.`,
        threshold: ALARM_THRESHOLDS.lambdaErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      }),
      lambdaThrottles: alarm('LambdaThrottles', lambdaThrottles, {
        alarmDescription: `${ALARM_THRESHOLDS.lambdaThrottles} or more Lambda throttles in each of two consecutive 5-minute periods: demand above the capacity model's caps or the account quota.`,
        threshold: ALARM_THRESHOLDS.lambdaThrottles,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
      }),
      wafBlockedRequests: alarm('WafBlockedRequests', wafBlocked, {
        alarmDescription: `WAF blocked ${ALARM_THRESHOLDS.wafBlockedRequests} or more requests in 5 minutes (rate limits answer 429): a flood, a scan, or a client in a loop.`,
        threshold: ALARM_THRESHOLDS.wafBlockedRequests,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
      }),
      auditWriteFailures: alarm('AuditWriteFailures', auditWriteFailures, {
        alarmDescription:
          'An audit record could not be written, so requests failed closed with 503 (HIPAA audit control, [PP-18]): the audit table or its key needs attention now.',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      }),
      ingestFailures: alarm('IngestFailures', ingestFailures, {
        alarmDescription:
          'The upload ingest could not store an instance (storage or index failure, not an invalid file): uploaders see it refused.',
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      }),
    };

    const workflowFailures = Object.fromEntries(
      Object.entries(props.workflows).map(([name, machine]) => [
        name,
        // Ids unique per workflow: the dashboard graphs all of them together.
        new cloudwatch.MathExpression({
          expression: `FILL(failed${name}, 0) + FILL(timedOut${name}, 0)`,
          usingMetrics: {
            [`failed${name}`]: machine.metricFailed({
              statistic: cloudwatch.Stats.SUM,
              period: FIVE_MINUTES,
            }),
            [`timedOut${name}`]: machine.metricTimedOut({
              statistic: cloudwatch.Stats.SUM,
              period: FIVE_MINUTES,
            }),
          },
          label: name,
          period: FIVE_MINUTES,
        }),
      ]),
    );
    this.workflowAlarms = Object.fromEntries(
      Object.entries(workflowFailures).map(([name, failures]) => [
        name,
        alarm(`Workflow${name}Failed`, failures, {
          alarmDescription: `A ${name} workflow execution failed or timed out (its give-up step already recorded what it could).`,
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
        }),
      ]),
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `PACScribe-${props.stageName}`,
      defaultInterval: Duration.hours(6),
    });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const perMinute = (name: string, label: string) =>
      appMetric(name, cloudwatch.Stats.SUM, Duration.minutes(1), undefined, label);
    const percentiles = (dimensions: Record<string, string> | undefined) =>
      (['p50', 'p95', 'p99'] as const).map((stat) =>
        appMetric(REQUEST_METRICS.latency, stat, Duration.minutes(1), dimensions, stat),
      );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...Object.values(this.alarms), ...Object.values(this.workflowAlarms)],
        width: 24,
        height: 3,
      }),
    );
    this.dashboard.addWidgets(
      graph('Requests', [perMinute(REQUEST_METRICS.requests, 'Requests')]),
      graph('Errors', [
        perMinute(REQUEST_METRICS.clientErrors, '4xx (application)'),
        perMinute(REQUEST_METRICS.serverErrors, '5xx (application)'),
        apiServerErrors.with({ label: '5xx (API Gateway)' }),
      ]),
      graph('Latency, all routes (ms)', percentiles(undefined)),
    );
    this.dashboard.addWidgets(
      graph('Throttling', [
        perMinute(REQUEST_METRICS.throttled, '429 (application)'),
        wafBlocked.with({ label: 'Blocked by WAF' }),
        lambdaThrottles.with({ label: 'Lambda throttles' }),
      ]),
      graph('Audit write failures (fail-closed 503s)', [
        perMinute(REQUEST_METRICS.auditWriteFailures, 'Audit write failures'),
      ]),
      graph('Ingest failures (instances not stored)', [
        ingestFailures.with({ label: 'Instances not stored' }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Workflow executions failed or timed out', Object.values(workflowFailures)),
      graph('Lambda errors', [lambdaErrors.with({ label: 'Errors (all functions)' })]),
      graph('Lambda concurrency', [
        lambda.Function.metricAllConcurrentExecutions({
          statistic: cloudwatch.Stats.MAXIMUM,
          label: 'Concurrent executions',
        }),
        lambda.Function.metricAllUnreservedConcurrentExecutions({
          statistic: cloudwatch.Stats.MAXIMUM,
          label: 'Unreserved (shared pool)',
        }),
      ]),
    );
    this.dashboard.addWidgets(
      ...DICOMWEB_OPERATIONS.map((operation) =>
        graph(
          `DICOMweb ${operation} latency (ms)`,
          percentiles({ [METRIC_DIMENSIONS.operation]: operation }),
          6,
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'API latency p95 by context (ms)',
        props.apiServices.map((service) =>
          appMetric(
            REQUEST_METRICS.latency,
            'p95',
            Duration.minutes(1),
            { [METRIC_DIMENSIONS.service]: service },
            service,
          ),
        ),
        24,
      ),
    );
  }

  private createTopic(props: ObservabilityProps): sns.Topic {
    const key = new kms.Key(this, 'AlertsKey', {
      description: `PACScribe ${props.stageName} operational alarms`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic as itself.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'Alerts', {
      displayName: `PACScribe ${props.stageName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    return topic;
  }
}

/** A metric the functions publish to the PACScribe namespace; without dimensions, the API-wide total. */
function appMetric(
  metricName: string,
  statistic: string,
  period: Duration,
  dimensionsMap?: Record<string, string>,
  label?: string,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    statistic,
    period,
    ...(dimensionsMap ? { dimensionsMap } : {}),
    ...(label ? { label } : {}),
  });
}
