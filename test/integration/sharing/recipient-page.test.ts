import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { ctInstance, testUid } from '../../support/dicom-files';
import { postJson, sentMail } from '../../support/local-client';
import { freshOrganization, type TestOrganization } from '../../support/organizations';
import { stow } from '../../support/stow';

/** Debian's chromium; the suite says so and skips when a machine has none. */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) =>
  existsSync(candidate),
);
const SCREENSHOTS = path.resolve(__dirname, '../../../reports/screenshots');

let org: TestOrganization;
let browser: Browser;
const study = testUid();

const withChromium = CHROMIUM ? describe : describe.skip;
if (!CHROMIUM) console.log('recipient page in a browser: skipped, no chromium on this machine');

withChromium('[PP-07] the recipient’s page in headless Chromium', () => {
  beforeAll(async () => {
    org = await freshOrganization('sharing-browser');
    const series = testUid();
    const stored = await stow(
      org.users.technologist.accessToken,
      [1, 2, 3].map((n) =>
        ctInstance({
          studyInstanceUid: study,
          seriesInstanceUid: series,
          extra: { InstanceNumber: String(n) },
        }),
      ),
    );
    expect(stored.status).toBe(200);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows nothing until the mailed code is entered, then the images, scrolling with previous and next, without a CSP violation', async () => {
    const email = `browser-${testUid().slice(-10)}@partner.example`;
    const made = await postJson(
      '/v1/shares',
      { studyInstanceUid: study, recipientEmail: email, scope: 'download' },
      org.users.administrator.accessToken,
    );
    expect(made.status).toBe(201);
    // The self-signed local certificate is the only thing the browser is told to accept.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });

    await page.goto(made.json().link);
    expect(await page.locator('img').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'share-1-link.png') });
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.waitForSelector('input[name="code"]');
    const mail = (await sentMail()).filter((sent) => sent.destination.to.includes(email)).at(-1);
    const code = /: ([0-9]{8})/.exec(mail?.body.text ?? '')?.[1] ?? '';
    await page.fill('input[name="code"]', code);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'share-2-code.png') });
    await page.getByRole('button', { name: 'Open' }).click();

    await page.waitForSelector('img');
    // The load event waits for the page's images; then the one shown must have decoded (a width).
    const imageWidth = async () => {
      await page.waitForLoadState('load');
      return page
        .locator('img')
        .evaluate((image: { complete: boolean; naturalWidth: number }) =>
          image.complete ? image.naturalWidth : 0,
        );
    };
    expect(await imageWidth()).toBeGreaterThan(0);
    expect(await page.textContent('body')).toContain('image 1 of 3');
    await page.getByRole('link', { name: 'Next' }).click();
    await page.waitForURL(/image=2/);
    expect(await page.textContent('body')).toContain('image 2 of 3');
    expect(await imageWidth()).toBeGreaterThan(0);
    expect(await page.locator('a', { hasText: 'Download the original DICOM files' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'share-3-viewer.png'), fullPage: true });
    const cookies = await context.cookies();
    expect(cookies.find((cookie) => cookie.name === 'pacscribe_share_session')).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
    });
    expect(violations).toEqual([]);
    console.log(`recipient page screenshots: ${SCREENSHOTS}/share-{1-link,2-code,3-viewer}.png`);
    await context.close();
  });
});
