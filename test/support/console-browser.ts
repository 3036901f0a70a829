import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { localConfig } from './local-client';

/** Debian's chromium; suites that need it say so and skip when a machine has none. */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) =>
  existsSync(candidate),
);
/** Test artifacts: a screenshot of every console page (a few are copied into docs/console/). */
export const CONSOLE_SCREENSHOTS = path.resolve(__dirname, '../../reports/screenshots/console');

/** The flags this machine's closed network needs (no background connections to Google's hosts). */
export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no chromium on this machine');
  mkdirSync(CONSOLE_SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const consoleUrl = (hash = '/') => `${localConfig().apiUrl}/console/#${hash}`;

/** A page whose CSP violations and script errors are collected, to be asserted empty by the test. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  problems: string[];
}

export async function watchedPage(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<WatchedPage> {
  // The self-signed local certificate is the only thing the browser is told to accept.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  // Written as source text: it runs in the page (injected by the DevTools protocol, not subject to the CSP).
  await page.addInitScript({
    content:
      "document.addEventListener('securitypolicyviolation', (event) => console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));",
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /CSP violation|Content Security Policy/.test(message.text()))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems };
}

/** Sign-in as a person does it: the console's button, the authorization server's form, back to the console. */
export async function signInThroughConsole(page: Page, email: string, password: string, hash = '/') {
  await page.goto(consoleUrl(hash));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(CONSOLE_SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core against WCAG 2.0–2.2 A and AA. The engine is evaluated through the DevTools protocol, which
 * the page's CSP does not govern (the console itself never runs inline script).
 */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
  const result = await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(tags)} } })`,
  );
  return (result as { violations: AxeViolation[] }).violations;
}
