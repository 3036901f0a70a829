import type { HttpResult } from '../../shared/http/responses';
import { escapeHtml } from '../core/html';

/**
 * The page a browser shows for an unsubscribe link: a form that POSTs the one-click body to the same
 * address. No script and nothing automatic, so opening the link (or a scanner fetching it) changes nothing.
 */
export function unsubscribePage(actionPath: string): HttpResult {
  const action = escapeHtml(actionPath);
  return {
    statusCode: 200,
    file: {
      contentType: 'text/html; charset=utf-8',
      content: [
        '<!doctype html>',
        '<html lang="en"><head><meta charset="utf-8"><title>Unsubscribe from PACScribe marketing mail</title></head>',
        '<body>',
        '<h1>Unsubscribe from PACScribe marketing mail?</h1>',
        '<p>You will no longer receive product news. Account, billing, security, service and privacy policy mail continue while your account is active.</p>',
        `<form method="post" action="${action}">`,
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
        '<button type="submit">Unsubscribe</button>',
        '</form>',
        '</body></html>',
      ].join('\n'),
    },
  };
}
