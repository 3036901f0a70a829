import type { VerifiedToken } from '../../../../functions/shared/auth/principal';
import { type HttpRuntime, httpHandler } from '../../../../functions/shared/http/http-handler';
import { ok } from '../../../../functions/shared/http/responses';
import type { RouteDefinition } from '../../../../functions/shared/http/route';
import { routes } from '../../../../functions/shared/routes';
import { ACTIONS } from '../../../../schemas/accounts/roles';
import { loadEvent, testContext } from '../../../support/events';
import { fixedClock, InMemoryAccounts, InMemoryAuditLog, sequentialIds } from '../../../support/fakes';
import { installLambdaStreamingShim, invokeHttpHandler } from '../../../support/lambda-streaming';

// Streaming routes are built in streamifyResponse mode, which needs the runtime's awslambda global.
installLambdaStreamingShim();

const NOW = '2026-11-24T12:00:00.000Z';
const audited = (routes as readonly RouteDefinition[]).filter((route) => route.audit !== null);

describe('[PP-18] fail closed', () => {
  it.each(audited.map((route) => [route.id, route] as const))(
    '%s returns 503 and no data when the audit trail is unavailable',
    async (_id, route) => {
      const accounts = new InMemoryAccounts();
      accounts.members.set('u1', {
        userId: 'u1',
        orgId: 'org-a',
        email: 'u1@a.example',
        name: 'U',
        role: 'administrator',
        professionalRole: 'administrator',
        permissions: [...ACTIONS],
        status: 'active',
        tokensValidAfter: NOW,
        createdAt: NOW,
        createdBy: 'u1',
      });
      const audit = new InMemoryAuditLog();
      audit.failWith = new Error('audit table unavailable');
      const token: VerifiedToken = {
        subject: 'u1',
        pool: route.access.kind === 'workforce' ? 'support' : 'customers',
        issuedAt: new Date(NOW),
        clientId: 'c',
        groups: route.access.kind === 'workforce' ? [route.access.group] : [],
      };
      const runtime: HttpRuntime = {
        tokens: { verify: async () => token },
        memberships: accounts,
        audit,
        clock: fixedClock(NOW),
        ids: sequentialIds(),
      };
      const stripped = { ...route, request: {} } as RouteDefinition;
      const handler = httpHandler(
        stripped,
        async () => ok({ secret: 'PATIENT-DATA-CANARY' }),
        async () => runtime,
      );
      const event = loadEvent('accounts/apigw/get-me.valid.json');

      const response = await invokeHttpHandler(handler, event, testContext());

      expect(response.statusCode).toBe(503);
      expect(JSON.parse(response.body).error.code).toBe('audit_unavailable');
      expect(response.body).not.toContain('PATIENT-DATA-CANARY');
    },
  );
});
