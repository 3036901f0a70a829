import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import * as z from 'zod';
import type { RouteDefinition } from '#functions/shared/http/route';
import { routes } from '#functions/shared/routes';
import { ApiStack } from '#infra/api/api-stack';
import { WORKLOADS } from '#infra/api/capacity-model';
import { AuditStack } from '#infra/audit/audit-stack';
import { ConsoleStack } from '#infra/console/console-stack';
import { DataStack } from '#infra/data/data-stack';
import { ReplicaStack } from '#infra/data/replica-stack';
import { IdentityStack } from '#infra/identity/identity-stack';
import { MailStack } from '#infra/mail/mail-stack';
import { APP_CONFIG_KEYS, type AppConfig, AppConfigSchema } from '#infra/shared/app-config';
import { assertConcurrencyPlan, ConcurrencyPlanError } from '#infra/shared/concurrency-plan';
import { PROJECT_ROOT } from '#infra/shared/project-root';
import { assertStacksInUsRegions, assertUsRegions, RegionGuardError } from '#infra/shared/region-guard';
import { WorkflowsStack } from '#infra/workflows/workflows-stack';

/**
 * The CDK app, and the only module that reads context or the environment. Everything below it gets
 * the validated AppConfig.
 */

export interface BuildAppOptions {
  /** Register the AwsSolutions and HIPAA Security packs so synth fails on findings (default true). */
  nag?: boolean;
  /** Bundle the functions with esbuild (default true); tests skip it for speed. */
  bundling?: boolean;
  /** Defaults to the route table; tests may pass their own. */
  routes?: readonly RouteDefinition[];
}

export interface PacsApp {
  app: App;
  config: AppConfig;
  stacks: {
    replica: ReplicaStack;
    data: DataStack;
    identity: IdentityStack;
    mail: MailStack;
    workflows: WorkflowsStack;
    api: ApiStack;
    audit: AuditStack;
    console: ConsoleStack;
  };
}

export class AppConfigError extends Error {
  override readonly name = 'AppConfigError';
}

/** Feature flags live in cdk.json; loading them here too keeps test-built apps identical to `cdk synth`. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: object;
  };
  return { ...cdkJson.context };
}

export function readConfig(app: App, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of APP_CONFIG_KEYS) {
    const value: unknown = app.node.tryGetContext(key);
    if (value !== undefined && value !== '') raw[key] = value;
  }
  // With credentials the CLI knows the account; offline (tests, CI) the placeholder default applies.
  raw.account ??= env.CDK_DEFAULT_ACCOUNT;
  const parsed = AppConfigSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppConfigError(
      `Invalid PACScribe config (cdk -c key=value):\n${z.prettifyError(parsed.error)}`,
    );
  return parsed.data;
}

export function buildApp(context: Record<string, unknown> = {}, options: BuildAppOptions = {}): PacsApp {
  const app = new App({
    analyticsReporting: false,
    context: {
      ...cdkJsonContext(),
      ...(options.bundling === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
      ...context,
    },
  });
  const config = readConfig(app);
  assertUsRegions(config);

  const primary = { account: config.account, region: config.primaryRegion };
  const stackProps = (
    name: string,
    description: string,
    stateful: boolean,
  ): StackProps & { config: AppConfig } => ({
    stackName: `PacScribe-${config.stage}-${name}`,
    description: `PACScribe ${config.stage}: ${description}`,
    env: primary,
    crossRegionReferences: true,
    // Stateful stacks hold PHI or identities; in production they cannot be deleted by accident.
    terminationProtection: stateful && config.stage === 'prod',
    config,
  });
  const id = (name: string) => `PacScribe-${config.stage}-${name}`;

  const replica = new ReplicaStack(app, id('Replica'), {
    ...stackProps('Replica', 'disaster-recovery copies in the replica region', true),
    env: { account: config.account, region: config.replicaRegion },
  });
  const data = new DataStack(app, id('Data'), {
    ...stackProps('Data', 'tables, imaging bucket, keys and backups', true),
    replica,
  });
  const identity = new IdentityStack(
    app,
    id('Identity'),
    stackProps('Identity', 'customer and support user pools', true),
  );
  const mail = new MailStack(app, id('Mail'), stackProps('Mail', 'SES identity and configuration set', true));
  const workflows = new WorkflowsStack(app, id('Workflows'), {
    ...stackProps('Workflows', 'Step Functions workflows', false),
    data,
    mail,
  });
  const api = new ApiStack(app, id('Api'), {
    ...stackProps('Api', 'REST API, functions, domain and WAF', false),
    routes: options.routes ?? routes,
    data,
    identity,
    workflows,
    mail,
  });
  const audit = new AuditStack(app, id('Audit'), {
    ...stackProps('Audit', 'CloudTrail and its write-once bucket', true),
    data,
  });

  const webConsole = new ConsoleStack(app, id('Console'), {
    ...stackProps('Console', 'web console behind CloudFront, with its WAF', false),
    identity,
    // Virtual-hosted style, as the presigner signs part URLs in AWS.
    uploadOrigin: `https://${data.imaging.bucket.bucketRegionalDomainName}`,
  });

  Tags.of(app).add('project', 'pacscribe');
  Tags.of(app).add('stage', config.stage);
  assertStacksInUsRegions(app);
  assertConcurrencyPlan(
    app,
    config.primaryRegion,
    config.lambdaAccountConcurrency,
    WORKLOADS[config.capacityProfile],
  );

  if (options.nag !== false) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  }
  return {
    app,
    config,
    stacks: { replica, data, identity, mail, workflows, api, audit, console: webConsole },
  };
}

if (require.main === module) {
  try {
    buildApp().app.synth();
  } catch (error) {
    // Config and region-guard failures are user errors: print the message, not a stack trace.
    if (
      error instanceof RegionGuardError ||
      error instanceof AppConfigError ||
      error instanceof ConcurrencyPlanError
    ) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
