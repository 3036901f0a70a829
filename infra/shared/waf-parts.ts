import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { LogEncryption } from './log-encryption';

/** The pieces both web ACLs (the API's regional one, the console's CloudFront one) are made of. */
export const wafVisibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** An AWS managed rule group, counted under its own name. */
export const awsManagedRule = (
  name: string,
  priority: number,
  options: Partial<wafv2.CfnWebACL.ManagedRuleGroupStatementProperty> = {},
): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...options } },
  visibilityConfig: wafVisibility(name),
});

/**
 * A web ACL's logs, kept a year in an encrypted log group, with `redactedFields` never written. WAF only
 * delivers to log groups named aws-waf-logs-*, addressed without the ':*' suffix. Creates `Logs` and
 * `Logging` under `scope`.
 */
export function wafLogging(
  scope: Construct,
  props: {
    webAcl: wafv2.CfnWebACL;
    logGroupName: `aws-waf-logs-${string}`;
    logEncryption: LogEncryption;
    redactedFields: wafv2.CfnLoggingConfiguration.FieldToMatchProperty[];
  },
): logs.LogGroup {
  const logGroup = props.logEncryption.createLogGroup(scope, 'Logs', {
    logGroupName: props.logGroupName,
    retention: logs.RetentionDays.ONE_YEAR,
  });
  const logging = new wafv2.CfnLoggingConfiguration(scope, 'Logging', {
    resourceArn: props.webAcl.attrArn,
    logDestinationConfigs: [
      Stack.of(scope).formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: props.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ],
    redactedFields: props.redactedFields,
  });
  logging.node.addDependency(logGroup);
  return logGroup;
}
