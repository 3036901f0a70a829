import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { RouteDefinition } from '#functions/shared/http/route';
import type { DataStack } from '#infra/data/data-stack';
import type { IdentityStack } from '#infra/identity/identity-stack';
import type { MailStack } from '#infra/mail/mail-stack';
import { type AppConfig, consoleUrl } from '#infra/shared/app-config';
import { LogEncryption } from '#infra/shared/log-encryption';
import { Observability } from '#infra/shared/observability';
import type { WorkflowsStack } from '#infra/workflows/workflows-stack';
import { ApiDomain } from './api-domain';
import { ApiFirewall, WEB_ACL_METRIC_NAME } from './api-firewall';
import { firewallRateLimits, organizationAllowances, stageThrottle, WORKLOADS } from './capacity-model';
import { JwksRelay } from './jwks-relay';
import { RouteTableApi, routeServiceName } from './route-table-api';

export interface ApiStackProps extends StackProps {
  config: AppConfig;
  routes: readonly RouteDefinition[];
  data: DataStack;
  identity: IdentityStack;
  workflows: WorkflowsStack;
  mail: MailStack;
}

/**
 * Stateless: the REST API, its functions, custom domain and WAF, and the operational alarms and
 * dashboard. Safe to replace (the alarm topic's subscriptions are then confirmed again).
 */
export class ApiStack extends Stack {
  readonly logEncryption: LogEncryption;
  readonly routeApi: RouteTableApi;
  /** The JWKS relay for functions in the VPC; absent when vpcIsolation is off. */
  readonly jwksRelay: JwksRelay | undefined;
  readonly domain: ApiDomain;
  readonly firewall: ApiFirewall;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    // One function per route: unindented, the template stays under CloudFormation's 1 MB.
    super(scope, id, { ...props, suppressTemplateIndentation: true });
    const { config, data, identity, workflows, mail } = props;
    const workload = WORKLOADS[config.capacityProfile];
    this.logEncryption = new LogEncryption(this, 'LogEncryption', { description: 'PACScribe API logs' });

    const resources = {
      accountsTable: data.tables.accounts,
      requestCounters: {
        counters: data.tables.requestCounters,
        allowances: organizationAllowances(workload),
      },
      auditTable: data.tables.audit,
      imagingTable: data.tables.imaging,
      imagingStore: { bucket: data.imaging.bucket, encryptionKey: data.imaging.key },
      uploadsTable: data.tables.uploads,
      supportTable: data.tables.support,
      supportMessageKey: data.support.messageKey,
      supportRetentionDays: config.supportRetentionDays,
      supportInboundMail: data.support.inboundMail,
      billingTable: data.tables.billing,
      stripeSecret: { secret: data.billing.stripeSecret, encryptionKey: data.billing.stripeSecretKey },
      sharingTable: data.tables.sharing,
      // Share links open the redemption page behind the API's own domain.
      shareLinkBaseUrl: `https://${config.domainName}`,
      uploadIngestWorkflow: workflows.uploadIngest,
      customerPool: identity.customers.userPool,
      welcomeWorkflow: workflows.welcomeMail,
      mail: mail.sending,
      appBaseUrl: config.appBaseUrl,
      mailTable: data.tables.mail,
      unsubscribeSecret: {
        secretArn: data.mail.unsubscribeSecret.secretArn,
        encryptionKey: data.mail.secretKey,
      },
      preferenceWorkflow: workflows.preferencePropagation,
      deletedStudyRetentionDays: config.deletedStudyRetentionDays,
      exportsTable: data.tables.exports,
      exportsStore: data.exports.store,
      exportWorkflow: workflows.exportArchive,
    };
    // Only where functions run in the VPC: elsewhere they fetch the pools' JWKS over HTTPS themselves.
    this.jwksRelay = data.network
      ? new JwksRelay(this, 'JwksRelay', {
          customerPool: identity.customers.userPool,
          supportPool: identity.support.userPool,
          logEncryption: this.logEncryption,
          reservedConcurrency: config.lambdaReservedConcurrency,
        })
      : undefined;
    this.routeApi = new RouteTableApi(this, 'RouteApi', {
      routes: props.routes,
      resources,
      customers: { pool: identity.customers.userPool, clients: [identity.customers.client] },
      support: { pool: identity.support.userPool, clients: [identity.support.client] },
      logEncryption: this.logEncryption,
      network: data.functionNetwork,
      stageName: config.stage,
      appVersion: config.appVersion,
      throttle: stageThrottle(workload),
      workload,
      dicomwebCorsOrigins: config.dicomwebCorsOrigins,
      // The console (infra/console) calls the API from appBaseUrl's origin.
      consoleOrigin: new URL(consoleUrl(config)).origin,
      ...(this.jwksRelay ? { jwksRelay: this.jwksRelay.relay.function } : {}),
    });
    this.domain = new ApiDomain(this, 'Domain', {
      api: this.routeApi.api,
      domainName: config.domainName,
      certificateArn: config.certificateArn,
    });
    this.firewall = new ApiFirewall(this, 'Firewall', {
      stage: this.routeApi.api.deploymentStage,
      rateLimits: firewallRateLimits(workload),
      routes: props.routes,
      signupRateLimitPer5Minutes: config.wafSignupRateLimitPer5Minutes,
      logEncryption: this.logEncryption,
      stageName: config.stage,
    });
    // Here because this stack already depends on every stack whose metrics it watches.
    this.observability = new Observability(this, 'Observability', {
      stageName: config.stage,
      api: this.routeApi.api,
      webAclMetricName: WEB_ACL_METRIC_NAME,
      workflows: {
        WelcomeMail: workflows.welcomeMail.stateMachine,
        UploadIngest: workflows.uploadIngest.stateMachine,
        PreferencePropagation: workflows.preferencePropagation.stateMachine,
        ExportArchive: workflows.exportArchive.stateMachine,
      },
      apiServices: [...new Set(props.routes.map(routeServiceName))],
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });
  }
}
