import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import type { PolicyRenderer } from '../core/ports';

/**
 * marked renders, sanitize-html keeps only text markup: no scripts, styles, event handlers or iframes,
 * and links only to http(s) and mailto. The documents are ours, but the HTML is served to browsers.
 */
export class SanitizedMarkdownRenderer implements PolicyRenderer {
  toHtml(markdown: string): string {
    const html = marked.parse(markdown, { async: false, gfm: true });
    return sanitizeHtml(html, {
      allowedTags: [
        ...['h1', 'h2', 'h3', 'h4', 'p', 'ul', 'ol', 'li', 'strong', 'em', 'code', 'pre'],
        ...['blockquote', 'a', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
      ],
      allowedAttributes: { a: ['href', 'title'] },
      allowedSchemes: ['https', 'http', 'mailto'],
    });
  }
}

/** A whole page for `Accept: text/html`. */
export function policyPage(title: string, lastUpdated: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><p>Last Updated: ${lastUpdated}</p>${body}</body></html>`;
}
