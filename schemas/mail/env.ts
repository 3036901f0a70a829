import * as z from 'zod';
import type { Binding } from '../shared/env';

/** Env of the mail context's bindings; schemas/shared/env.ts joins them into BINDINGS. */
export const MailEnvSchema = z.object({
  MAIL_FROM_ADDRESS: z.email(),
  MAIL_CONFIGURATION_SET_NAME: z.string().min(1),
  APP_BASE_URL: z.url(),
});

export const WelcomeWorkflowEnvSchema = z.object({ WELCOME_WORKFLOW_ARN: z.string().min(1) });

/** Preferences, propagations, suppressions and campaign records. */
export const MailTableEnvSchema = z.object({ MAIL_TABLE_NAME: z.string().min(1) });

/**
 * The HMAC secret of unsubscribe links: a Secrets Manager secret ARN in AWS; locally `file:<path>`, a
 * random key the local stack made.
 */
export const UnsubscribeSecretEnvSchema = z.object({ MAIL_UNSUBSCRIBE_SECRET: z.string().min(1) });

export const PreferenceWorkflowEnvSchema = z.object({ PREFERENCE_WORKFLOW_ARN: z.string().min(1) });

/** The SES v2 contact list whose marketing topic mirrors each person's choice. */
export const MailContactListEnvSchema = z.object({ MAIL_CONTACT_LIST_NAME: z.string().min(1) });

/** PACScribe's own outbound marketing audience (one object per subscribed person), read by staff tools. */
export const MarketingAudienceEnvSchema = z.object({ MARKETING_AUDIENCE_BUCKET_NAME: z.string().min(1) });

/** Each binding of the mail context and the env vars it sets (infra/mail/bindings.ts grants them). */
export const MAIL_BINDINGS = {
  /** SendEmail from the configured address through the configuration set; links point at APP_BASE_URL. */
  'mail:send': MailEnvSchema,
  'welcome-workflow:start': WelcomeWorkflowEnvSchema,
  /** GetItem/Query on the mail table and its index. */
  'mail-table:read': MailTableEnvSchema,
  /** Read and write (no delete) on the mail table. */
  'mail-table:write': MailTableEnvSchema,
  /** GetSecretValue of the unsubscribe-link secret: sign and verify links. */
  'unsubscribe-links:key': UnsubscribeSecretEnvSchema,
  'preference-workflow:start': PreferenceWorkflowEnvSchema,
  /** Create and update contacts (topic preferences) of the marketing contact list. */
  'mail-contact-list:write': MailContactListEnvSchema,
  /** Put and delete objects under the audience prefix of the audience bucket. */
  'marketing-audience:write': MarketingAudienceEnvSchema,
} as const;

/** The welcome-mail task reads the new account and sends the mail. */
export const WELCOME_MAIL_TASK_BINDINGS = [
  'accounts-table:read',
  'mail:send',
] as const satisfies readonly Binding[];

/** The preference propagation task: reads the person, applies their choice to every marketing system. */
export const PROPAGATION_TASK_BINDINGS = [
  'accounts-table:read',
  'mail-table:write',
  'mail-contact-list:write',
  'marketing-audience:write',
] as const satisfies readonly Binding[];

/** The scheduled check for opt-outs past their deadline (publishes the alarm's metric). */
export const OVERDUE_CHECK_BINDINGS = ['mail-table:read'] as const satisfies readonly Binding[];
export const OVERDUE_CHECK_HANDLER = 'mail/handlers/check-overdue-opt-outs';

/** SES bounce and complaint events (configuration set → SNS): suppress the address. */
export const DELIVERY_EVENTS_BINDINGS = [
  'accounts-table:read',
  'mail-table:write',
] as const satisfies readonly Binding[];
export const DELIVERY_EVENTS_HANDLER = 'mail/handlers/record-delivery-events';

/** The CloudWatch metric the overdue check publishes (embedded metric format) and the alarm watches. */
export const OVERDUE_OPT_OUT_METRIC = { namespace: 'PACScribe/Mail', name: 'OverdueOptOuts' } as const;
