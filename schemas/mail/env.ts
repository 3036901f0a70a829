import { z } from 'zod';
import type { Binding } from '../shared/env';

/** Env of the mail context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const MailEnvSchema = z.object({
  MAIL_FROM_ADDRESS: z.email(),
  MAIL_CONFIGURATION_SET_NAME: z.string().min(1),
  APP_BASE_URL: z.url(),
});

export const WelcomeWorkflowEnvSchema = z.object({ WELCOME_WORKFLOW_ARN: z.string().min(1) });

/** Each binding of the mail context and the env vars it sets (infra/mail/bindings.ts grants them). */
export const MAIL_BINDINGS = {
  /** SendEmail from the configured address through the configuration set; links point at APP_BASE_URL. */
  'mail:send': MailEnvSchema,
  'welcome-workflow:start': WelcomeWorkflowEnvSchema,
} as const;

/** The welcome-mail task reads the new account and sends the mail. */
export const WELCOME_MAIL_TASK_BINDINGS = [
  'accounts-table:read',
  'mail:send',
] as const satisfies readonly Binding[];
