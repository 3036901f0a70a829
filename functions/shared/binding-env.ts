import { type Binding, bindingEnvSchema } from '#schemas/shared/env';

/**
 * The env vars one binding sets, parsed from this function's environment: the same table that grants the
 * binding in CDK (infra/<context>/bindings.ts) and sets it locally names what a dependency may read.
 */
export function bindingEnv<const B extends Binding>(binding: B) {
  return bindingEnvSchema([binding]).parse(process.env);
}
