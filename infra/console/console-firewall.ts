import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { LogEncryption } from '#infra/shared/log-encryption';

export interface ConsoleFirewallProps {
  /** Requests per 5 minutes from one IP; the console itself is three static files and its config. */
  perIpRateLimit: number;
  logEncryption: LogEncryption;
  stageName: string;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managedRule = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  visibilityConfig: visibility(name),
});

/**
 * The CloudFront-scope web ACL in front of the console: AWS managed rules (common, known bad inputs, IP
 * reputation) and a per-IP rate limit. CloudFront only takes web ACLs from us-east-1, so this construct
 * may only live in a us-east-1 stack.
 */
export class ConsoleFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ConsoleFirewallProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (stack.region !== 'us-east-1') {
      throw new Error(`a CLOUDFRONT web ACL must be created in us-east-1, not ${stack.region}`);
    }
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('pacscribe-console'),
      rules: [
        managedRule('AWSManagedRulesCommonRuleSet', 0),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 1),
        managedRule('AWSManagedRulesAmazonIpReputationList', 2),
        {
          name: 'PerIpRate',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.perIpRateLimit } },
          visibilityConfig: visibility('PerIpRate'),
        },
      ],
    });

    // WAF only delivers to log groups named aws-waf-logs-*, addressed without the ':*' suffix.
    const logGroupName = `aws-waf-logs-pacscribe-console-${props.stageName}`;
    this.logGroup = props.logEncryption.createLogGroup(this, 'Logs', {
      logGroupName,
      retention: logs.RetentionDays.ONE_YEAR,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // The console's own requests carry no token, but a mistaken link could; the OAuth code and state
      // arrive in the query string of the redirect to /console/.
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { queryString: {} },
      ],
    });
    logging.node.addDependency(this.logGroup);
  }
}
