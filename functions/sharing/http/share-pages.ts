import { escapeHtml } from '../../mail/core/html';
import type { HttpResult } from '../../shared/http/responses';

/**
 * The recipient's pages: plain HTML, no script and no inline style at all, so the content security
 * policy can forbid both. Forms post to the same origin; images come from the same origin.
 */
export const SHARE_PAGE_CSP =
  "default-src 'none'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const PAGE_HEADERS = {
  'content-security-policy': SHARE_PAGE_CSP,
  'x-frame-options': 'DENY',
  // Links out of the page must not carry the link's secret in a Referer.
  'referrer-policy': 'no-referrer',
};

function page(
  statusCode: number,
  title: string,
  body: string,
  headers: Record<string, string> = {},
): HttpResult {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · PACScribe</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
<p><small>PACScribe secure share. Every view and download is recorded for the organization that shared it.</small></p>
</body>
</html>
`;
  return {
    statusCode,
    headers: { ...PAGE_HEADERS, ...headers },
    file: { contentType: 'text/html; charset=utf-8', content: html },
  };
}

const base = (token: string) => `/s/${encodeURIComponent(token)}`;

export function landingPage(token: string): HttpResult {
  return page(
    200,
    'Medical images were shared with you',
    `<p>To open them, prove that this mail address is yours: we send a one-time code to the address the images were shared with.</p>
<form method="post" action="${base(token)}/code"><button type="submit">Email me a code</button></form>`,
  );
}

export function codePage(
  token: string,
  passcodeRequired: boolean,
  message: string | null,
  statusCode = 200,
): HttpResult {
  const passcode = passcodeRequired
    ? '<p><label>Passcode from the sender <input type="password" name="passcode" autocomplete="off" required></label></p>'
    : '';
  return page(
    statusCode,
    'Enter your code',
    `${message ? `<p role="alert">${escapeHtml(message)}</p>` : '<p>We mailed you an 8-digit code. It works once, for 10 minutes.</p>'}
<form method="post" action="${base(token)}/session">
<p><label>Code <input name="code" inputmode="numeric" pattern="[0-9]{8}" maxlength="8" autocomplete="one-time-code" required></label></p>
${passcode}
<p><button type="submit">Open</button></p>
</form>
<form method="post" action="${base(token)}/code"><button type="submit">Send a new code</button></form>`,
  );
}

export function unavailablePage(statusCode: number, message: string): HttpResult {
  return page(statusCode, 'This share cannot be opened', `<p>${escapeHtml(message)}</p>`);
}

export interface ViewerModel {
  token: string;
  series: { position: number; label: string; images: number }[];
  current: { series: number; image: number; images: number } | null;
  download: boolean;
  deidentified: boolean;
  expiresAt: string;
}

export function viewerPage(model: ViewerModel): HttpResult {
  const root = base(model.token);
  const list = model.series
    .map(
      (entry) =>
        `<li><a href="${root}/view?series=${entry.position}&amp;image=1">${escapeHtml(entry.label)}</a> (${entry.images} images)</li>`,
    )
    .join('\n');
  const current = model.current;
  let image = '<p>This series has no images to show.</p>';
  if (current && current.images > 0) {
    const at = (n: number) => `${root}/view?series=${current.series}&amp;image=${n}`;
    const previous =
      current.image > 1 ? `<a href="${at(current.image - 1)}" rel="prev">Previous</a>` : 'Previous';
    const next =
      current.image < current.images ? `<a href="${at(current.image + 1)}" rel="next">Next</a>` : 'Next';
    image = `<p>Series ${current.series}, image ${current.image} of ${current.images}</p>
<p><img src="${root}/series/${current.series}/images/${current.image}" alt="Series ${current.series}, image ${current.image}" width="512"></p>
<p>${previous} · ${next}</p>`;
  }
  const download = model.download
    ? `<p><a href="${root}/download">Download the original DICOM files (ZIP)</a></p>`
    : '';
  return page(
    200,
    model.deidentified ? 'Shared images (de-identified)' : 'Shared images',
    `<p>Available until ${escapeHtml(model.expiresAt.replace('T', ' ').slice(0, 16))} UTC.</p>
<h2>Series</h2>
<ul>
${list}
</ul>
${image}
${download}`,
  );
}

/** After a form post, the browser goes on with a GET (303), carrying the session cookie when one was set. */
export function seeOther(location: string, headers: Record<string, string> = {}): HttpResult {
  return { statusCode: 303, headers: { location, ...PAGE_HEADERS, ...headers } };
}
