import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { RATE_LIMITED_BODY, SIGNUP_RATE_LIMIT, UNSUBSCRIBE_RATE_LIMIT } from './public-rate-limit';

export interface ApiFirewallProps {
  stage: apigw.Stage;
  /** Requests per 5 minutes from a single IP before it is blocked. */
  rateLimitPer5Minutes: number;
  /** Requests per 5 minutes from a single IP to the public sign-up routes (WAF minimum: 10). */
  signupRateLimitPer5Minutes: number;
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
 * WAF in front of the API stage: AWS managed rule groups, a per-IP rate limit on everything and a much
 * lower one on the public sign-up routes (enumeration and mail flooding) and on the one-click
 * unsubscribe (token probing), with logs.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('pacscribe-api'),
      // The same answer the local router gives past the limit (scripts/local/router.ts).
      customResponseBodies: {
        'rate-limited': { contentType: 'APPLICATION_JSON', content: RATE_LIMITED_BODY },
      },
      rules: [
        managedRule('AWSManagedRulesAmazonIpReputationList', 0),
        managedRule('AWSManagedRulesCommonRuleSet', 1),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          name: 'RateLimitPerIp',
          priority: 3,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: props.rateLimitPer5Minutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'SignupRateLimitPerIp',
          priority: 4,
          action: {
            block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rate-limited' } },
          },
          statement: {
            rateBasedStatement: {
              limit: props.signupRateLimitPer5Minutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: SIGNUP_RATE_LIMIT.windowSeconds,
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'CONTAINS',
                  searchString: SIGNUP_RATE_LIMIT.pathFragment,
                  textTransformations: [
                    { priority: 0, type: 'URL_DECODE' },
                    { priority: 1, type: 'LOWERCASE' },
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('SignupRateLimitPerIp'),
        },
        {
          name: 'UnsubscribeRateLimitPerIp',
          priority: 5,
          action: {
            block: { customResponse: { responseCode: 429, customResponseBodyKey: 'rate-limited' } },
          },
          statement: {
            rateBasedStatement: {
              limit: UNSUBSCRIBE_RATE_LIMIT.defaultLimit,
              aggregateKeyType: 'IP',
              evaluationWindowSec: UNSUBSCRIBE_RATE_LIMIT.windowSeconds,
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'CONTAINS',
                  searchString: UNSUBSCRIBE_RATE_LIMIT.pathFragment,
                  textTransformations: [
                    { priority: 0, type: 'URL_DECODE' },
                    { priority: 1, type: 'LOWERCASE' },
                  ],
                },
              },
            },
          },
          visibilityConfig: visibility('UnsubscribeRateLimitPerIp'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    // WAF only delivers to log groups named aws-waf-logs-*, addressed without the ':*' suffix.
    const logGroupName = `aws-waf-logs-pacscribe-${props.stageName}`;
    this.logGroup = props.logEncryption.createLogGroup(this, 'Logs', {
      logGroupName,
      retention: logs.RetentionDays.ONE_YEAR,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Bearer tokens must not land in logs.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
    logging.node.addDependency(this.logGroup);
  }
}
