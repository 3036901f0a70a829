import * as z from 'zod';
import { ACCOUNTS_BINDINGS, AccountsTableEnvSchema, CustomerPoolEnvSchema } from '../accounts/env';
import { AUDIT_BINDINGS, AuditTableEnvSchema } from '../audit/env';
import { BILLING_BINDINGS } from '../billing/env';
import { EXPORTS_BINDINGS } from '../exports/env';
import { IMAGING_BINDINGS } from '../imaging/env';
import { MAIL_BINDINGS } from '../mail/env';
import { POLICY_BINDINGS, PolicyDocumentsEnvSchema } from '../policy/env';
import { SHARING_BINDINGS } from '../sharing/env';
import { SUPPORT_BINDINGS } from '../support/env';

/**
 * The environment contract of every PACScribe function, parsed once at cold start.
 * Names say resource role + attribute. The same names are set by the CDK bindings (infra/<context>/
 * bindings.ts) and by the local stack; locally only endpoints and credentials differ (AWS_ENDPOINT_URL_*).
 * Each context declares its bindings' env in schemas/<context>/env.ts; this module joins them.
 */
const csv = z
  .string()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** What every route's function gets: memberships and audit trail (its base bindings), and token checks. */
export const BaseEnvSchema = z.object({
  AWS_REGION: z.string().min(1),
  ...AccountsTableEnvSchema.shape,
  ...AuditTableEnvSchema.shape,
  ...CustomerPoolEnvSchema.shape,
  CUSTOMER_USER_POOL_CLIENT_IDS: csv,
  SUPPORT_USER_POOL_ID: z.string().min(1),
  SUPPORT_USER_POOL_CLIENT_IDS: csv,
  /** Set only by the local stack: where the Cognito stand-in issues tokens from (http://host:port). */
  COGNITO_LOCAL_ISSUER_BASE_URL: z.url().optional(),
  APP_VERSION: z.string().default('dev'),
  /** The policy documents, for the version in force (continued use, [PP-24]) and the policy routes. */
  ...PolicyDocumentsEnvSchema.shape,
});
export type BaseEnv = z.infer<typeof BaseEnvSchema>;

/**
 * DICOMweb functions: the browser origins whose requests get Access-Control-Allow-Origin, the same list
 * the API's CORS preflight answers for (AppConfig.dicomwebCorsOrigins).
 */
export const DicomwebCorsEnvSchema = z.object({ DICOMWEB_CORS_ORIGINS: csv });

/**
 * Every route's function: the web console's origin (AppConfig.appBaseUrl's), whose requests get
 * Access-Control-Allow-Origin on every route (functions/shared/http/cors.ts).
 */
export const ConsoleCorsEnvSchema = z.object({ CONSOLE_ORIGIN: z.url({ protocol: /^https?$/ }) });

export { AuditArchiveEnvSchema } from '../audit/env';
export {
  ImagingEnvSchema,
  UploadIngestWorkflowEnvSchema,
  UploadSessionsEnvSchema,
} from '../imaging/env';
export { MailEnvSchema, WelcomeWorkflowEnvSchema } from '../mail/env';

/**
 * Resources a function may be bound to, each with the env its grant sets: the CDK grants exactly these
 * (infra/shared/bindings.ts joins the per-context grants) and the handlers parse the same env.
 */
export const BINDINGS = {
  ...ACCOUNTS_BINDINGS,
  ...AUDIT_BINDINGS,
  ...BILLING_BINDINGS,
  ...EXPORTS_BINDINGS,
  ...IMAGING_BINDINGS,
  ...MAIL_BINDINGS,
  ...SUPPORT_BINDINGS,
  ...SHARING_BINDINGS,
  ...POLICY_BINDINGS,
} as const;
export type Binding = keyof typeof BINDINGS;

type UnionToIntersection<U> = (U extends unknown ? (arg: U) => void : never) extends (arg: infer I) => void
  ? I
  : never;

/**
 * The env shape a list of bindings implies. Precise for a literal list (`as const`); for a list typed
 * only as `Binding[]` no variable can be promised, so the shape is left open.
 */
export type BindingEnvShape<B extends Binding> = [B] extends [never]
  ? Record<never, never>
  : [Binding] extends [B]
    ? Record<never, never>
    : Extract<UnionToIntersection<(typeof BINDINGS)[B]['shape']>, z.core.$ZodLooseShape>;

/** The zod env schema a function with these bindings can rely on; safe to use in handlers (no CDK). */
export function bindingEnvSchema<const B extends Binding>(
  bindings: readonly B[],
): z.ZodObject<BindingEnvShape<B>> {
  const shape = Object.assign({}, ...bindings.map((binding) => BINDINGS[binding].shape));
  return z.object(shape) as z.ZodObject<BindingEnvShape<B>>;
}
