import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AppConfigSchema } from '#infra/shared/app-config';
import { ALARM_THRESHOLDS, Observability } from '#infra/shared/observability';
import {
  DICOMWEB_OPERATIONS,
  INGEST_FAILURES_METRIC,
  METRICS_NAMESPACE,
  REQUEST_METRICS,
} from '#schemas/shared/metrics';
import {
  logicalIdOf,
  propertyAt,
  type Resource,
  resourcesOf,
  synthesizedApp,
  templateOf,
} from '../app-fixture';

const app = () => synthesizedApp();
const api = () => app().stacks.api;
const observability = () => api().observability;
const alarms = () => resourcesOf(api(), 'AWS::CloudWatch::Alarm');

/** The alarm named `pacscribe-<stage>-<name>`. */
function alarmNamed(name: string): Resource {
  const found = Object.values(alarms()).find(
    (alarm) => propertyAt(alarm, 'AlarmName') === `pacscribe-${app().config.stage}-${name}`,
  );
  if (!found) throw new Error(`no alarm ${name}`);
  return found;
}

/** The metrics an alarm reads: its own metric, or each metric of its math expression. */
function metricsOf(alarm: Resource): { Namespace: string; MetricName: string; Dimensions?: unknown }[] {
  const properties = alarm.Properties ?? {};
  if (properties.MetricName) return [properties as { Namespace: string; MetricName: string }];
  return (
    properties.Metrics as { MetricStat?: { Metric: { Namespace: string; MetricName: string } } }[]
  ).flatMap((query) => (query.MetricStat ? [query.MetricStat.Metric] : []));
}

describe('observability (alarms, topic, dashboard)', () => {
  it('sends every alarm to the one ops topic, which is KMS-encrypted and TLS-only', () => {
    const topicId = logicalIdOf(observability().alerts);
    const template = templateOf(api());
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      }),
    });
    const all = Object.values(alarms());
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const alarm of all) {
      expect(propertyAt(alarm, 'AlarmActions')).toEqual([{ Ref: topicId }]);
    }
  });

  it('pages on the first audit write failure: requests failed closed', () => {
    const alarm = alarmNamed('AuditWriteFailures');
    expect(alarm.Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: REQUEST_METRICS.auditWriteFailures,
      Statistic: 'Sum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    // The API-wide total: no dimension, so no route can be left out.
    expect(alarm.Properties?.Dimensions).toBeUndefined();
  });

  it('pages on any instance the upload ingest could not store', () => {
    expect(alarmNamed('IngestFailures').Properties).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: INGEST_FAILURES_METRIC,
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('judges the API 5xx rate from API Gateway, as a share of enough requests', () => {
    const alarm = alarmNamed('ApiServerErrorRate');
    expect(
      metricsOf(alarm)
        .map((metric) => `${metric.Namespace} ${metric.MetricName}`)
        .sort(),
    ).toEqual(['AWS/ApiGateway 5XXError', 'AWS/ApiGateway Count']);
    const expression = propertyAt<{ Expression?: string }[]>(alarm, 'Metrics').find(
      (query) => query.Expression,
    );
    expect(expression?.Expression).toContain(`>= ${ALARM_THRESHOLDS.apiMinimumRequests}`);
    expect(alarm.Properties).toMatchObject({
      Threshold: ALARM_THRESHOLDS.apiServerErrorPercent,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    expect(ALARM_THRESHOLDS.apiServerErrorPercent).toBeGreaterThan(0);
    expect(ALARM_THRESHOLDS.apiServerErrorPercent).toBeLessThanOrEqual(10);
  });

  it('watches Lambda errors and throttles across the functions, and requests WAF blocks', () => {
    expect(alarmNamed('LambdaErrors').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Threshold: ALARM_THRESHOLDS.lambdaErrors,
    });
    expect(alarmNamed('LambdaThrottles').Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Threshold: ALARM_THRESHOLDS.lambdaThrottles,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
    const waf = alarmNamed('WafBlockedRequests');
    expect(waf.Properties).toMatchObject({
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Threshold: ALARM_THRESHOLDS.wafBlockedRequests,
    });
    // The web ACL's own metric name, so the alarm reads the metrics WAF actually publishes.
    const webAclMetricName = propertyAt<{ MetricName: string }>(
      resourcesOf(api(), 'AWS::WAFv2::WebACL')[logicalIdOf(api().firewall.webAcl)],
      'VisibilityConfig',
    ).MetricName;
    expect(waf.Properties?.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'WebACL', Value: webAclMetricName },
        { Name: 'Rule', Value: 'ALL' },
      ]),
    );
  });

  it('pages on a failed or timed-out execution of each workflow', () => {
    const { workflows } = app().stacks;
    const machines = [
      workflows.welcomeMail,
      workflows.uploadIngest,
      workflows.preferencePropagation,
      workflows.exportArchive,
    ];
    expect(Object.keys(observability().workflowAlarms)).toHaveLength(machines.length);
    for (const name of Object.keys(observability().workflowAlarms)) {
      const alarm = alarmNamed(`Workflow${name}Failed`);
      expect(
        metricsOf(alarm)
          .map((metric) => metric.MetricName)
          .sort(),
      ).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    // Each alarm reads its own state machine (imported from the workflows stack by ARN).
    const watched = JSON.stringify(Object.values(alarms()).map((alarm) => metricsOf(alarm)));
    for (const machine of machines) {
      const machineId = logicalIdOf(machine.stateMachine);
      expect(watched).toContain(machineId);
    }
  });

  it('has a dashboard with requests, latency percentiles by operation, errors, throttles, audit, ingest, workflows and concurrency', () => {
    const dashboards = Object.values(resourcesOf(api(), 'AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    expect(propertyAt(dashboards[0], 'DashboardName')).toBe(`PACScribe-${app().config.stage}`);
    const body = JSON.stringify(propertyAt(dashboards[0], 'DashboardBody'));
    for (const metric of [...Object.values(REQUEST_METRICS), INGEST_FAILURES_METRIC]) {
      expect(body).toContain(`\\"${metric}\\"`);
    }
    for (const text of ['p50', 'p95', 'p99', 'ExecutionsFailed', 'ConcurrentExecutions', 'BlockedRequests']) {
      expect(body).toContain(text);
    }
    for (const operation of DICOMWEB_OPERATIONS) expect(body).toContain(`\\"Operation\\",\\"${operation}\\"`);
  });
});

describe('the alarm e-mail', () => {
  it('is optional in the config, and subscribed to the topic when given', () => {
    expect(AppConfigSchema.parse({}).alarmEmail).toBeUndefined();
    expect(AppConfigSchema.safeParse({ alarmEmail: 'not an address' }).success).toBe(false);

    const stack = new Stack(new App(), 'Probe', { env: { account: '111111111111', region: 'us-east-1' } });
    const restApi = new apigw.RestApi(stack, 'Api');
    restApi.root.addMethod('GET');
    const machine = new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')),
    });
    new Observability(stack, 'Observability', {
      stageName: 'probe',
      api: restApi,
      webAclMetricName: 'probe-acl',
      workflows: { Probe: machine },
      apiServices: ['pacscribe-probe'],
      alarmEmail: 'ops@pacscribe.example',
    });

    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@pacscribe.example',
    });
  });
});
