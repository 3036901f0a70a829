import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type BuildAppOptions, buildApp, type PacsApp } from '#infra/app';

/**
 * The app as `cdk synth` builds it, minus esbuild bundling (the slow part, covered by `npm run synth`)
 * and minus the registered nag plugins (the gate test runs the packs itself, per stack, to name findings).
 * Jest gives each test file its own module registry, so this builds once per file.
 */
export const TEST_BUILD: BuildAppOptions = { nag: false, bundling: false };

let cached: { pacs: PacsApp; templates: Map<Stack, Template> } | undefined;

export function synthesizedApp(): PacsApp {
  if (!cached) {
    const pacs = buildApp({}, TEST_BUILD);
    // Synthesize once: cross-stack outputs and other prepare-time constructs exist only afterwards.
    pacs.app.synth();
    cached = { pacs, templates: new Map() };
  }
  return cached.pacs;
}

export function templateOf(stack: Stack): Template {
  synthesizedApp();
  const templates = cached?.templates ?? new Map<Stack, Template>();
  let template = templates.get(stack);
  if (!template) {
    template = Template.fromStack(stack);
    templates.set(stack, template);
  }
  return template;
}

export type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };
type Resources = Record<string, Resource>;

/** A nested property by dotted path (`Environment.Variables`); throws with context when absent. */
export function propertyAt<T = unknown>(resource: Resource | undefined, path: string): T {
  let value: unknown = resource?.Properties;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(key in value)) {
      throw new Error(`no ${path} in ${JSON.stringify(resource)?.slice(0, 300)}`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value as T;
}

/** The nested stacks a stack holds (the API's per-context function stacks), deepest last. */
export function nestedStacksOf(stack: Stack): Stack[] {
  return stack.node
    .findAll()
    .filter(
      (construct): construct is Stack => Stack.isStack(construct) && construct !== stack && construct.nested,
    );
}

/**
 * Resources of one CloudFormation type, by logical id: the stack's own and its nested stacks' (each
 * nested stack is a template of its own; logical ids are unique across them here: each is named after
 * its construct path, and routes have unique ids).
 */
export function resourcesOf(stack: Stack, type: string): Resources {
  return Object.assign(
    {},
    templateOf(stack).findResources(type) as Resources,
    ...nestedStacksOf(stack).map((nested) => templateOf(nested).findResources(type) as Resources),
  );
}

/** The logical id of a construct's resource in the template of the stack (nested or not) that holds it. */
export function logicalIdOf(construct: IConstruct): string {
  const stack = Stack.of(construct);
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return stack.resolve(stack.getLogicalId(element)) as string;
}

/** Every stack, nested ones included, as CloudFormation deploys them. */
export function allStacks(): Stack[] {
  return Object.values(synthesizedApp().stacks).flatMap((stack) => [stack, ...nestedStacksOf(stack)]);
}

/** An IAM policy statement as the templates hold it. */
export type PolicyStatement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Sid?: string;
};

/** Every Allow statement of the policies attached to a role, searched in a stack and its nested stacks. */
export function allowedStatementsOf(stack: Stack, role: IConstruct): PolicyStatement[] {
  const roleLogicalId = logicalIdOf(role);
  return Object.values(resourcesOf(stack, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(propertyAt(policy, 'Roles')).includes(roleLogicalId))
    .flatMap((policy) => propertyAt<PolicyStatement[]>(policy, 'PolicyDocument.Statement'))
    .filter((statement) => statement.Effect === 'Allow');
}
