import { type AccountsResources, accountsBindings } from '#infra/accounts/bindings';
import { type AuditResources, auditBindings } from '#infra/audit/bindings';
import { type BillingResources, billingBindings } from '#infra/billing/bindings';
import { type ExportsResources, exportsBindings } from '#infra/exports/bindings';
import { type ImagingResources, imagingBindings } from '#infra/imaging/bindings';
import { type MailResources, mailBindings } from '#infra/mail/bindings';
import { policyBindings } from '#infra/policy/bindings';
import { type SharingResources, sharingBindings } from '#infra/sharing/bindings';
import { type SupportResources, supportBindings } from '#infra/support/bindings';
import { type Binding, bindingEnvSchema } from '#schemas/shared/env';
import type { BindingDefinition } from './binding-definition';
import type { PacsFunction } from './pacs-function';

/** The deployed resources a binding can point at; a stack passes what it has. */
export interface BindingResources
  extends AccountsResources,
    AuditResources,
    BillingResources,
    ExportsResources,
    ImagingResources,
    MailResources,
    SupportResources,
    SharingResources {}

/**
 * Every binding's env and grant, joined from the contexts' tables (infra/<context>/bindings.ts, each
 * pairing schemas/<context>/env.ts with its grants). A new binding touches only its context's two
 * files; a new context joins here (table and resources) and in schemas/shared/env.ts.
 */
const BINDING_TABLE: { readonly [B in Binding]: BindingDefinition<BindingResources> } = {
  ...accountsBindings,
  ...auditBindings,
  ...billingBindings,
  ...exportsBindings,
  ...imagingBindings,
  ...mailBindings,
  ...supportBindings,
  ...sharingBindings,
  ...policyBindings,
};

/**
 * Grants a function its bindings and sets the env they imply, then fails synth unless the function's env
 * satisfies those bindings' env schema (the one the handlers parse) and each grant set only its own
 * binding's variables. A binding another one includes (read, next to write) is not granted twice.
 */
export function applyBindings(
  fn: PacsFunction,
  bindings: readonly Binding[],
  resources: BindingResources,
): void {
  const held = [...new Set(bindings)];
  const granted = held.filter((binding) => !held.some((other) => BINDING_TABLE[other].includes === binding));
  for (const binding of granted) {
    const { env, grant } = BINDING_TABLE[binding];
    const before = new Set(Object.keys(fn.environment));
    grant(fn, resources);
    const strays = Object.keys(fn.environment).filter((name) => !before.has(name) && !(name in env.shape));
    if (strays.length > 0) {
      throw new Error(
        `${fn.node.path}: binding ${binding} set ${strays.join(', ')}, which its env does not declare`,
      );
    }
  }
  fn.assertEnvironment(bindingEnvSchema(held));
}
