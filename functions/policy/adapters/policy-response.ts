import type { PolicyDocumentView } from '#schemas/policy/policy';
import type { RawRequest } from '../../shared/http/http-handler';
import type { HttpResult } from '../../shared/http/responses';
import { policyPage } from './markdown-renderer';

/** HTML when the client prefers it over JSON (a browser), JSON otherwise. */
export function policyResponse(raw: RawRequest, policy: PolicyDocumentView): HttpResult {
  const accept = raw.header('accept') ?? '';
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('application/json');
  if (html !== -1 && (json === -1 || html < json)) {
    return {
      statusCode: 200,
      headers: { vary: 'Accept' },
      file: {
        contentType: 'text/html; charset=utf-8',
        content: policyPage(
          `PACScribe Privacy Policy, version ${policy.version}`,
          policy.lastUpdated,
          policy.html,
        ),
      },
    };
  }
  return { statusCode: 200, headers: { vary: 'Accept' }, body: policy };
}
