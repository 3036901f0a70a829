import { Stack } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { awsManagedRule, wafLogging, wafVisibility } from '#infra/shared/waf-parts';

export interface ConsoleFirewallProps {
  /** Requests per 5 minutes from one IP; the console itself is three static files and its config. */
  perIpRateLimit: number;
  logEncryption: LogEncryption;
  stageName: string;
}

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
      visibilityConfig: wafVisibility('pacscribe-console'),
      rules: [
        awsManagedRule('AWSManagedRulesCommonRuleSet', 0),
        awsManagedRule('AWSManagedRulesKnownBadInputsRuleSet', 1),
        awsManagedRule('AWSManagedRulesAmazonIpReputationList', 2),
        {
          name: 'PerIpRate',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: props.perIpRateLimit } },
          visibilityConfig: wafVisibility('PerIpRate'),
        },
      ],
    });

    this.logGroup = wafLogging(this, {
      webAcl: this.webAcl,
      logGroupName: `aws-waf-logs-pacscribe-console-${props.stageName}`,
      logEncryption: props.logEncryption,
      // The console's own requests carry no token, but a mistaken link could; the OAuth code and state
      // arrive in the query string of the redirect to /console/.
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { queryString: {} },
      ],
    });
  }
}
