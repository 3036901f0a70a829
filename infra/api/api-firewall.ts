import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { RouteDefinition } from '#functions/shared/http/route';
import type { LogEncryption } from '#infra/shared/log-encryption';
import { awsManagedRule, wafLogging, wafVisibility } from '#infra/shared/waf-parts';
import { RETRY_AFTER_SECONDS } from './capacity-model';
import { RATE_LIMITED_BODY, SIGNUP_RATE_LIMIT, UNSUBSCRIBE_RATE_LIMIT } from './public-rate-limit';
import {
  bulkBodyRoutes,
  PAYLOAD_TOO_LARGE_BODY,
  pathPattern,
  WAF_BODY_INSPECTION_BYTES,
} from './route-body-limits';

export interface ApiFirewallProps {
  stage: apigw.Stage;
  /** Requests per 5 minutes: from one IP (a facility's NAT), and with one bearer token on DICOMweb. */
  rateLimits: { perIp: number; perToken: number };
  /** The route table: which routes take bodies larger than WAF inspects. */
  routes: readonly RouteDefinition[];
  /** Requests per 5 minutes from a single IP to the public sign-up routes (WAF minimum: 10). */
  signupRateLimitPer5Minutes: number;
  logEncryption: LogEncryption;
  stageName: string;
}

/** The web ACL's metric name: the `WebACL` dimension of its CloudWatch metrics (the alarms read it). */
export const WEB_ACL_METRIC_NAME = 'pacscribe-api';

/** A 429 with the JSON error body and `Retry-After`, which DICOMweb clients and browsers honour. */
const tooManyRequests: wafv2.CfnWebACL.RuleActionProperty = {
  block: {
    customResponse: {
      responseCode: 429,
      customResponseBodyKey: 'rate-limited',
      responseHeaders: [{ name: 'retry-after', value: String(RETRY_AFTER_SECONDS) }],
    },
  },
};

/**
 * WAF in front of the API stage (docs/capacity.md):
 * - AWS managed rule groups, except on the few routes whose bodies are larger than WAF inspects (STOW-RS,
 *   upload completion, reports, the Stripe webhook): binary DICOM trips the body rules, and those routes
 *   check their own bodies (size first, then schema, signature or DICOM parsing);
 * - the common rule set's 8 KB body rule counted, not blocking: every other route is held to 64 KB (the
 *   largest JSON body any route takes), and each route's own limit is enforced again by its function;
 * - rate limits from the capacity model: per IP (a facility's NAT), per bearer token on DICOMweb (one
 *   person's runaway client), and strict ones on the public sign-up routes (enumeration, mail flooding) and
 *   the one-click unsubscribe (token probing); all answer 429 with Retry-After;
 * - logs without the authorization header, the query string or the path (QIDO queries and UIDs).
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const bulkPatterns = new wafv2.CfnRegexPatternSet(this, 'BulkBodyPaths', {
      scope: 'REGIONAL',
      description: 'Routes whose bodies exceed what WAF inspects, from the route table',
      regularExpressionList: [
        ...new Set(bulkBodyRoutes(props.routes).map((route) => pathPattern(route.path))),
      ],
    });
    // A request to one of those routes with a body (POST or PUT).
    const bulk: wafv2.CfnWebACL.StatementProperty = {
      andStatement: {
        statements: [
          {
            orStatement: {
              statements: ['POST', 'PUT'].map((method) => ({
                byteMatchStatement: {
                  fieldToMatch: { method: {} },
                  positionalConstraint: 'EXACTLY',
                  searchString: method,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              })),
            },
          },
          {
            regexPatternSetReferenceStatement: {
              arn: bulkPatterns.attrArn,
              fieldToMatch: { uriPath: {} },
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
        ],
      },
    };
    const notBulk: wafv2.CfnWebACL.StatementProperty = { notStatement: { statement: bulk } };
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: wafVisibility(WEB_ACL_METRIC_NAME),
      // The same answer the local router gives past the limit (scripts/local/router.ts).
      customResponseBodies: {
        'rate-limited': { contentType: 'APPLICATION_JSON', content: RATE_LIMITED_BODY },
        'payload-too-large': { contentType: 'APPLICATION_JSON', content: PAYLOAD_TOO_LARGE_BODY },
      },
      // API Gateway forwards at most this much of a body to WAF (16 KB unless raised; 64 KB is the maximum).
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: 'KB_64' } } },
      rules: [
        awsManagedRule('AWSManagedRulesAmazonIpReputationList', 0),
        awsManagedRule('AWSManagedRulesCommonRuleSet', 1, {
          scopeDownStatement: notBulk,
          ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
        }),
        awsManagedRule('AWSManagedRulesKnownBadInputsRuleSet', 2, { scopeDownStatement: notBulk }),
        {
          name: 'BodyLargerThanAnyJsonRoute',
          priority: 3,
          action: {
            block: { customResponse: { responseCode: 413, customResponseBodyKey: 'payload-too-large' } },
          },
          statement: {
            andStatement: {
              statements: [
                notBulk,
                {
                  sizeConstraintStatement: {
                    fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
                    comparisonOperator: 'GT',
                    size: WAF_BODY_INSPECTION_BYTES,
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
              ],
            },
          },
          visibilityConfig: wafVisibility('BodyLargerThanAnyJsonRoute'),
        },
        {
          name: 'RateLimitPerIp',
          priority: 4,
          action: tooManyRequests,
          statement: {
            rateBasedStatement: {
              limit: props.rateLimits.perIp,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: wafVisibility('RateLimitPerIp'),
        },
        {
          name: 'DicomwebRateLimitPerToken',
          priority: 5,
          action: tooManyRequests,
          statement: {
            rateBasedStatement: {
              limit: props.rateLimits.perToken,
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [
                { header: { name: 'authorization', textTransformations: [{ priority: 0, type: 'NONE' }] } },
              ],
              evaluationWindowSec: 300,
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: '/dicomweb/',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: wafVisibility('DicomwebRateLimitPerToken'),
        },
        {
          name: 'SignupRateLimitPerIp',
          priority: 6,
          action: tooManyRequests,
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
          visibilityConfig: wafVisibility('SignupRateLimitPerIp'),
        },
        {
          name: 'UnsubscribeRateLimitPerIp',
          priority: 7,
          action: tooManyRequests,
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
          visibilityConfig: wafVisibility('UnsubscribeRateLimitPerIp'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    this.logGroup = wafLogging(this, {
      webAcl: this.webAcl,
      logGroupName: `aws-waf-logs-pacscribe-${props.stageName}`,
      logEncryption: props.logEncryption,
      // Bearer tokens and share sessions (cookie) must not land in logs, nor QIDO queries (PatientName,
      // PatientID), UIDs in paths, or share links' secrets (the path of /s/{token}).
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { queryString: {} },
        { uriPath: {} },
      ],
    });
  }
}
