import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { applyBindings, type BindingResources } from '#infra/shared/bindings';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { PacsFunction } from '#infra/shared/pacs-function';
import type { FunctionNetwork } from '#infra/shared/private-network';
import { OVERDUE_CHECK_BINDINGS, OVERDUE_CHECK_HANDLER, OVERDUE_OPT_OUT_METRIC } from '#schemas/mail/env';

/** Deadlines fall at the end of a business day; an hourly look is prompt enough and cheap. */
export const OVERDUE_CHECK_SCHEDULE = events.Schedule.rate(Duration.hours(1));

/**
 * Tracks opt-outs [PP-21]: a scheduled function counts those past their 10-business-day deadline and not
 * complete and publishes the count (embedded metric format); the alarm fires on any, and on a missing
 * datapoint (a checker that stopped running must not look like "nothing overdue").
 */
export class OverdueOptOutAlarm extends Construct {
  readonly check: PacsFunction;
  readonly schedule: events.Rule;
  readonly metric: cloudwatch.Metric;
  readonly alarm: cloudwatch.Alarm;
  /** Where the alarm goes: ops subscribe the privacy officer's address or their paging tool. */
  readonly alerts: sns.Topic;

  constructor(
    scope: Construct,
    id: string,
    props: {
      resources: Pick<BindingResources, 'mailTable'>;
      logEncryption: LogEncryption;
      /** The private network (PHI), or ISOLATION_OFF. */
      network: FunctionNetwork;
    },
  ) {
    super(scope, id);
    this.check = new PacsFunction(this, 'Check', {
      handler: OVERDUE_CHECK_HANDLER,
      description: 'Counts opt-outs past their deadline and publishes the alarm metric',
      serviceName: 'pacscribe-mail',
      logEncryption: props.logEncryption,
      network: props.network,
      reservedConcurrency: 1,
      timeout: Duration.minutes(5),
    });
    applyBindings(this.check, OVERDUE_CHECK_BINDINGS, props.resources);
    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Hourly check of opt-outs past their 10-business-day deadline',
      schedule: OVERDUE_CHECK_SCHEDULE,
      targets: [new targets.LambdaFunction(this.check.function, { retryAttempts: 2 })],
    });
    this.metric = new cloudwatch.Metric({
      namespace: OVERDUE_OPT_OUT_METRIC.namespace,
      metricName: OVERDUE_OPT_OUT_METRIC.name,
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.hours(1),
    });
    this.alarm = this.metric.createAlarm(this, 'Alarm', {
      alarmDescription:
        'An opt-out from marketing mail has not reached every marketing system within 10 US business days [PP-21].',
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const alertsKey = new kms.Key(this, 'AlertsKey', {
      description: 'PACScribe opt-out deadline alerts',
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch publishes the alarm to the encrypted topic as itself.
    alertsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alerts = new sns.Topic(this, 'Alerts', {
      displayName: 'PACScribe opt-outs past their deadline',
      masterKey: alertsKey,
      enforceSSL: true,
    });
    this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alerts));
    Validations.of(this.check).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked hourly by a schedule with nothing in its event: a failed run publishes no datapoint, which the alarm treats as breaching, so a dead-letter queue would only hold empty schedule events.',
    });
  }
}
