import type { z } from 'zod';
import type { RouteDefinition } from '../../functions/shared/http/route';
import { routes } from '../../functions/shared/routes';
import {
  exportArchiveWorkflow,
  preferencePropagationWorkflow,
  uploadIngestWorkflow,
  welcomeMailWorkflow,
} from '../../functions/shared/workflows';
import { routeEnvSchema } from '../../infra/api/route-environment';
import { JWKS_RELAY_HANDLER, JwksRelayFunctionEnvSchema } from '../../schemas/accounts/env';
import { BILLING_INVOICES_BINDINGS, BILLING_INVOICES_HANDLER } from '../../schemas/billing/env';
import { EXPORT_TASK_BINDINGS } from '../../schemas/exports/env';
import { PURGE_HANDLER, PURGE_TASK_BINDINGS, UPLOAD_INGEST_TASK_BINDINGS } from '../../schemas/imaging/env';
import {
  DELIVERY_EVENTS_BINDINGS,
  DELIVERY_EVENTS_HANDLER,
  OVERDUE_CHECK_BINDINGS,
  OVERDUE_CHECK_HANDLER,
  PROPAGATION_TASK_BINDINGS,
  WELCOME_MAIL_TASK_BINDINGS,
} from '../../schemas/mail/env';
import { bindingEnvSchema } from '../../schemas/shared/env';
import { SUPPORT_MAIL_INTAKE_BINDINGS } from '../../schemas/support/env';

/** SES receiving's function in AWS; `npm run mail:receive` locally. */
export const SUPPORT_MAIL_INTAKE_HANDLER = 'support/handlers/file-mailed-request';

/**
 * Every handler the local stack runs, with the env contract CDK gives it: a route's from its bindings
 * (infra/api/route-environment.ts, as the API construct), a workflow task's from the task's bindings.
 */
export function localHandlers(): { handler: string; env: z.ZodObject }[] {
  return [
    ...(routes as readonly RouteDefinition[]).map((route) => ({
      handler: route.handler,
      env: routeEnvSchema(route),
    })),
    {
      handler: welcomeMailWorkflow.taskFunctions.SendWelcomeMailFunctionArn,
      env: bindingEnvSchema(WELCOME_MAIL_TASK_BINDINGS),
    },
    {
      handler: uploadIngestWorkflow.taskFunctions.IngestUploadFunctionArn,
      env: bindingEnvSchema(UPLOAD_INGEST_TASK_BINDINGS),
    },
    {
      handler: SUPPORT_MAIL_INTAKE_HANDLER,
      env: bindingEnvSchema(SUPPORT_MAIL_INTAKE_BINDINGS),
    },
    {
      handler: preferencePropagationWorkflow.taskFunctions.PropagatePreferenceFunctionArn,
      env: bindingEnvSchema(PROPAGATION_TASK_BINDINGS),
    },
    {
      handler: exportArchiveWorkflow.taskFunctions.RunExportStepFunctionArn,
      env: bindingEnvSchema(EXPORT_TASK_BINDINGS),
    },
    // Run by the local overdue-opt-out scheduler (stack.ts); SES events are fed to it by tests.
    { handler: OVERDUE_CHECK_HANDLER, env: bindingEnvSchema(OVERDUE_CHECK_BINDINGS) },
    { handler: DELIVERY_EVENTS_HANDLER, env: bindingEnvSchema(DELIVERY_EVENTS_BINDINGS) },
    // Run by the local purge scheduler (stack.ts) and `npm run purge`.
    { handler: PURGE_HANDLER, env: bindingEnvSchema(PURGE_TASK_BINDINGS) },
    // Deployed only with vpcIsolation; locally bundled but never invoked (the verifier fetches directly).
    { handler: JWKS_RELAY_HANDLER, env: JwksRelayFunctionEnvSchema },
    // Deployed only with vpcIsolation, for the export task; locally the task calls the Stripe fake itself.
    { handler: BILLING_INVOICES_HANDLER, env: bindingEnvSchema(BILLING_INVOICES_BINDINGS) },
  ];
}

/**
 * The local stack runs every handler in one process, so they share one environment instead of each
 * getting only its bindings' variables as in AWS. What can be held to the bindings is that environment:
 * it must meet every handler's contract, and set nothing no handler's contract names. A binding whose
 * variable the local stack lacks then fails `npm start`, not a request later.
 */
export function assertLocalEnvironment(env: Readonly<Record<string, string | undefined>>): void {
  const handlers = localHandlers();
  const unmet = handlers.flatMap(({ handler, env: schema }) => {
    const result = schema.safeParse(env);
    if (result.success) return [];
    return [`${handler}: ${result.error.issues.map((issue) => issue.path.join('.')).join(', ')}`];
  });
  const declared = new Set(handlers.flatMap(({ env: schema }) => Object.keys(schema.shape)));
  const stray = Object.keys(env).filter((name) => !declared.has(name));
  if (unmet.length > 0 || stray.length > 0) {
    throw new Error(
      [
        'The local env does not match the handlers’ bindings (schemas/<context>/env.ts):',
        ...unmet.map((line) => `  unmet  ${line}`),
        ...stray.map((name) => `  unused ${name}: no handler's bindings declare it`),
      ].join('\n'),
    );
  }
}
