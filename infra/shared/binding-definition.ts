import type { z } from 'zod';
import type { Binding } from '#schemas/shared/env';
import type { PacsFunction } from './pacs-function';

/** A binding's env var names, each mapped to itself, so a grant writes `env.IMAGING_TABLE_NAME`. */
export type EnvNames<Schema extends z.ZodObject> = {
  readonly [Name in keyof Schema['shape'] & string]: Name;
};

/** A resource the grant needs; throws, naming the binding, when the stack did not provide it. */
export type NeedResource<Resources> = <Name extends keyof Resources & string>(
  name: Name,
) => NonNullable<Resources[Name]>;

/** How a context declares the infrastructure side of one of its bindings. */
export interface BindingGrant<Resources, Schema extends z.ZodObject> {
  /** A binding this one includes (write includes read): a function holding both gets this grant alone. */
  readonly includes?: Binding;
  /** Least privilege on the resources, and one setEnvironment per variable of the binding's env. */
  grant(fn: PacsFunction, need: NeedResource<Resources>, env: EnvNames<Schema>): void;
}

/** One binding as the join (infra/shared/bindings.ts) applies it: `{ env, grant(fn, resources) }`. */
export interface BindingDefinition<Resources> {
  /** The env the grant sets, from schemas/<context>/env.ts: what the handlers parse. */
  readonly env: z.ZodObject;
  readonly includes?: Binding;
  grant(fn: PacsFunction, resources: Resources): void;
}

/**
 * A context's binding table: each env schema of schemas/<context>/env.ts paired with its grant. The
 * grants must cover exactly the context's bindings, and each sees only its own env's variable names.
 */
export function bindingTable<Schemas extends Readonly<Record<string, z.ZodObject>>, Resources>(
  schemas: Schemas,
  grants: { readonly [B in keyof Schemas]: BindingGrant<Resources, Schemas[B]> },
): { readonly [B in keyof Schemas]: BindingDefinition<Resources> } {
  const entries = Object.entries(schemas).map(([binding, env]) => {
    const { includes, grant } = grants[binding as keyof Schemas];
    const names = Object.fromEntries(Object.keys(env.shape).map((name) => [name, name]));
    const definition: BindingDefinition<Resources> = {
      env,
      includes,
      grant(fn, resources) {
        const need = (name: keyof Resources & string) => {
          const resource = resources[name];
          if (resource === undefined || resource === null) {
            throw new Error(`binding ${binding} needs ${name}, which this stack did not provide`);
          }
          return resource;
        };
        grant(fn, need as NeedResource<Resources>, names as EnvNames<Schemas[keyof Schemas]>);
      },
    };
    return [binding, definition] as const;
  });
  return Object.fromEntries(entries) as { readonly [B in keyof Schemas]: BindingDefinition<Resources> };
}
