import { AccountsTableEnvSchema } from '#schemas/accounts/env';
import { PolicyDocumentsEnvSchema } from '#schemas/policy/env';
import { dynamoDocumentClient } from '../shared/aws/clients';
import { once } from '../shared/once';
import { systemClock } from '../shared/ports';
import { DynamoPolicyStore } from './adapters/dynamo-policy-store';
import { FilePolicyLibrary } from './adapters/file-policy-library';
import { SanitizedMarkdownRenderer } from './adapters/markdown-renderer';
import type { PolicyReadDeps } from './core/ports';

/** Composition roots of the policy context: env parsed once, adapters built on first use. */
export const policyLibrary = /* @__PURE__ */ once(
  () => new FilePolicyLibrary(PolicyDocumentsEnvSchema.parse(process.env).PRIVACY_POLICY_DIR),
);

export const policyStore = /* @__PURE__ */ once(
  () =>
    new DynamoPolicyStore(
      dynamoDocumentClient(),
      AccountsTableEnvSchema.parse(process.env).ACCOUNTS_TABLE_NAME,
    ),
);

export const policyReadDeps = /* @__PURE__ */ once(
  (): PolicyReadDeps => ({
    library: policyLibrary(),
    renderer: new SanitizedMarkdownRenderer(),
    store: policyStore(),
    clock: systemClock,
  }),
);
