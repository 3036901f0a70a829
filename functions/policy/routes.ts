import {
  AcknowledgeNoticeResultSchema,
  PolicyAcceptanceListSchema,
  PolicyAcceptanceQuerySchema,
  PolicyDocumentQuerySchema,
  PolicyDocumentSchema,
  PolicyVersionListSchema,
  PolicyVersionParameterSchema,
} from '#schemas/policy/policy';
import { defineRoute, type PathParameter } from '../shared/http/route';

const PUBLIC_POLICY =
  'The privacy policy is public text, the same for everyone, carrying no customer data: anyone must be able to read it before signing up.';
const policyBody = {
  description: 'The policy: JSON, or an HTML page when the request accepts text/html first.',
  schema: PolicyDocumentSchema,
  mediaTypes: ['application/json', 'text/html'],
} as const;

/** A version number: a malformed one cannot name a version, so it answers like a missing one. */
const versionParameter: PathParameter = {
  schema: PolicyVersionParameterSchema,
  malformed: 'not-found',
  description: 'The version number (1, 2, 3 …).',
};

/**
 * The privacy policy, versioned [PP-23, PP-24]: every version readable, the one in force with its
 * "Last Updated" date, the notice of a material update acknowledged by each member, and the record of
 * continued use as acceptance, listed for the organization's administrators.
 */
export const policyRoutes = {
  getCurrentPolicy: defineRoute('policy', 'getCurrentPolicy', {
    method: 'GET',
    path: '/v1/privacy-policy',
    handler: 'policy/handlers/get-current-policy',
    pathParameters: {},
    summary:
      'The privacy policy in force with its "Last Updated" date, or with ?version=N any older version, which stays readable; lists every version [PP-23].',
    access: { kind: 'public', reason: PUBLIC_POLICY },
    audit: null,
    bindings: [],
    request: { query: PolicyDocumentQuerySchema },
    responses: { 200: policyBody, 404: { description: 'No such version, or none in force yet.' } },
  }),
  listPolicyVersions: defineRoute('policy', 'listPolicyVersions', {
    method: 'GET',
    path: '/v1/privacy-policy/versions',
    handler: 'policy/handlers/list-policy-versions',
    pathParameters: {},
    summary:
      'Every version of the privacy policy, newest first, with its "Last Updated" and effective dates, whether it was material and its summary of changes, and the version in force [PP-23].',
    access: { kind: 'public', reason: PUBLIC_POLICY },
    audit: null,
    bindings: [],
    responses: { 200: { description: 'The versions.', schema: PolicyVersionListSchema } },
  }),
  getPolicyVersion: defineRoute('policy', 'getPolicyVersion', {
    method: 'GET',
    path: '/v1/privacy-policy/versions/{version}',
    handler: 'policy/handlers/get-policy-version',
    pathParameters: { version: versionParameter },
    summary:
      'One version of the privacy policy by number, with its "Last Updated" date and text: older versions stay readable [PP-23].',
    access: { kind: 'public', reason: PUBLIC_POLICY },
    audit: null,
    bindings: [],
    responses: { 200: policyBody, 404: { description: 'No such version.' } },
  }),
  acknowledgePolicyNotice: defineRoute('policy', 'acknowledgePolicyNotice', {
    method: 'POST',
    path: '/v1/me/policy-notice/acknowledge',
    handler: 'policy/handlers/acknowledge-policy-notice',
    pathParameters: {},
    summary:
      'Acknowledge the notice of a material privacy policy update shown on GET /v1/me; it is shown no more. Acknowledging twice changes nothing [PP-23].',
    access: { kind: 'member' },
    audit: 'policy-notice-acknowledged',
    bindings: ['policy-notice:acknowledge'],
    responses: {
      200: {
        description: 'The version acknowledged, null when no notice was pending.',
        schema: AcknowledgeNoticeResultSchema,
      },
    },
  }),
  listPolicyAcceptances: defineRoute('policy', 'listPolicyAcceptances', {
    method: 'GET',
    path: '/v1/privacy-policy/acceptances',
    handler: 'policy/handlers/list-policy-acceptances',
    pathParameters: {},
    summary:
      'Who in your organization accepted which version, and when (continued use, recorded on their first request after it took effect) [PP-24]. For administrators and auditors.',
    // Administrators answer for their users (manage-users); auditors read records of use (view-audit).
    access: { kind: 'action', action: 'manage-users', orActions: ['view-audit'] },
    audit: 'policy-acceptances-listed',
    bindings: [],
    request: { query: PolicyAcceptanceQuerySchema },
    responses: { 200: { description: 'The acceptances.', schema: PolicyAcceptanceListSchema } },
  }),
};
