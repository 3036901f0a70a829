import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { NAV } from '../../../console/src/navigation';
import { DEFAULT_PERMISSIONS, ROLES, type Role } from '../../../schemas/accounts/roles';
import {
  accessibilityViolations,
  CHROMIUM,
  consoleUrl,
  launchChromium,
  screenshot,
  signInThroughConsole,
  type WatchedPage,
  watchedPage,
} from '../../support/console-browser';
import { ctInstance, testUid } from '../../support/dicom-files';
import { callApi, localConfig, postJson, sentMail, signIn } from '../../support/local-client';
import { freshOrganization, invitationPassword, type TestOrganization } from '../../support/organizations';

const withChromium = CHROMIUM ? describe : describe.skip;
if (!CHROMIUM) console.log('console in a browser: skipped, no chromium on this machine');

let org: TestOrganization;
let browser: Browser;
const opened: WatchedPage[] = [];

async function session(role: Role, hash = '/', viewport?: { width: number; height: number }) {
  const watched = await watchedPage(browser, viewport);
  opened.push(watched);
  const user = org.users[role];
  await signInThroughConsole(watched.page, user.email, user.password, hash);
  return watched;
}

/** Waits for a condition the page reaches asynchronously (a checkbox's state, a request seen). */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const navLabels = async (page: Page) =>
  page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents();

/** The pages a role's default permissions show, from the same table the console uses. */
const expectedPages = (role: Role) =>
  NAV.filter(
    (item) =>
      item.anyOf.length === 0 || item.anyOf.some((action) => DEFAULT_PERMISSIONS[role].includes(action)),
  ).map((item) => item.label);

withChromium('the web console in headless Chromium, against the local stack', () => {
  const patientId = `CON-${testUid().slice(-8)}`;
  const study = testUid();

  beforeAll(async () => {
    org = await freshOrganization('console');
    browser = await launchChromium();
  });
  afterEach(async () => {
    // Every page a test opened ran without a CSP violation or an uncaught script error.
    const problems = opened.flatMap((watched) => watched.problems);
    for (const watched of opened.splice(0)) await watched.context.close();
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('[PP-06] each role signs in through the authorization server and sees exactly the pages its permissions allow', async () => {
    for (const role of ROLES) {
      const { page } = await session(role);
      expect(await navLabels(page)).toEqual(expectedPages(role));
      await page.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor();
      await screenshot(page, `home-${role}`);
    }
    // A page outside the permissions, reached by its address, says so and shows none of its data.
    const { page } = await session('clinician', '/users');
    await page.getByRole('heading', { name: 'Not available' }).waitFor();
    expect(await page.getByRole('button', { name: 'Send invitation' }).count()).toBe(0);
  }, 120_000);

  it('keeps tokens out of the address bar and out of web storage', async () => {
    const { page } = await session('radiologist');
    expect(page.url()).not.toMatch(/code=|token|state=/);
    const stored = await page.evaluate<string>(
      'JSON.stringify([{ ...window.localStorage }, { ...window.sessionStorage }])',
    );
    // A JWT starts with the base64url of '{"': no access, id or refresh token is kept in storage.
    expect(stored).not.toMatch(/eyJ[\w-]{10,}/);
    expect(stored).not.toContain(org.users.radiologist.accessToken.slice(0, 40));
  });

  it('[PP-06] an administrator invites a user, who signs in with the mailed temporary password and sets a new one', async () => {
    const { page } = await session('administrator', '/users');
    const email = `invited-${testUid().slice(-8)}@console.example`;
    const form = page.locator('form').filter({ hasText: 'Invite a user' });
    await form.getByLabel('Name').fill('Ivy Invited');
    await form.getByLabel('Email').fill(email);
    await form.getByRole('button', { name: /Role/ }).click();
    await page.getByRole('option', { name: 'Technologist' }).click();
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(`Invitation sent to ${email}.`).waitFor();
    await page.getByRole('cell', { name: email }).waitFor();
    await screenshot(page, 'users');

    const invited = await watchedPage(browser);
    opened.push(invited);
    await invited.page.goto(consoleUrl('/'));
    await invited.page.getByRole('button', { name: 'Sign in' }).click();
    await invited.page.getByLabel('Email').fill(email);
    await invited.page.getByLabel('Password').fill(await invitationPassword(email));
    await invited.page.getByRole('button', { name: 'Sign in' }).click();
    await invited.page.getByLabel('New password', { exact: true }).fill('Ivy-Chosen-Passw0rd!');
    await invited.page.getByLabel('Confirm new password').fill('Ivy-Chosen-Passw0rd!');
    await invited.page.getByRole('button', { name: 'Set password' }).click();
    await invited.page.getByRole('heading', { name: 'Welcome, Ivy Invited' }).waitFor();
    expect(await navLabels(invited.page)).toEqual(expectedPages('technologist'));
  });

  it('a technologist uploads a folder (one file through an upload session) and a radiologist opens the study and writes a report', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'console-upload-'));
    mkdirSync(path.join(folder, 'series-1'));
    const series = testUid();
    for (const number of [1, 2, 3]) {
      writeFileSync(
        path.join(folder, 'series-1', `image-${number}.dcm`),
        ctInstance({
          studyInstanceUid: study,
          seriesInstanceUid: series,
          patientId,
          patientName: 'Console^Casey',
          extra: { InstanceNumber: String(number) },
        }),
      );
    }
    // Over the STOW-RS body limit: the console sends it to storage in parts through an upload session.
    writeFileSync(
      path.join(folder, 'series-1', 'image-4-large.dcm'),
      ctInstance({
        studyInstanceUid: study,
        seriesInstanceUid: series,
        patientId,
        patientName: 'Console^Casey',
        rows: 1500,
        columns: 1500,
        extra: { InstanceNumber: '4' },
      }),
    );

    const technologist = await session('technologist', '/upload');
    const chooser = technologist.page.waitForEvent('filechooser');
    await technologist.page.getByRole('button', { name: 'Choose a folder' }).click();
    await (await chooser).setFiles(folder);
    await technologist.page.getByText('Finished. 4 of 4 stored.').waitFor({ timeout: 90_000 });
    await screenshot(technologist.page, 'upload');

    const { page } = await session('radiologist', '/studies');
    await page.getByLabel('Patient name or ID').fill(patientId);
    await page.getByRole('button', { name: 'Search' }).click();
    // The person name as people write it, not DICOM's Console^Casey.
    await page.getByRole('link', { name: 'Console, Casey' }).click();
    await page.getByText('Image 1 of 4').waitFor();
    const frame = page.locator('img.frame');
    await frame.waitFor();
    expect(await frame.evaluate((image: { naturalWidth: number }) => image.naturalWidth)).toBeGreaterThan(0);
    // The viewer keeps its size without its image (as while the next one loads), so the buttons and the
    // report form below do not move under the pointer when scrolling through a series.
    const viewerHeight = () =>
      page.locator('.viewport').evaluate((box) => box.getBoundingClientRect().height);
    const withImage = await viewerHeight();
    await frame.evaluate((image: { style: { display: string } }) => {
      image.style.display = 'none';
    });
    expect(await viewerHeight()).toBe(withImage);
    await frame.evaluate((image: { style: { display: string } }) => {
      image.style.display = '';
    });
    await page.getByRole('button', { name: 'Next image' }).click();
    await page.getByText('Image 2 of 4').waitFor();
    // The arrow keys scroll too, while a viewer control has focus.
    await page.keyboard.press('ArrowDown');
    await page.getByText('Image 3 of 4').waitFor();

    await page.getByLabel('Write the report').fill('No acute findings. Lungs clear.');
    await page.getByRole('button', { name: 'Sign report' }).click();
    await page.getByText('Report saved.').waitFor();
    await page.getByText('No acute findings. Lungs clear.', { exact: true }).first().waitFor();
    await page.getByText(/Version 1, final/).waitFor();
    // A radiologist may edit but not delete.
    expect(await page.getByRole('button', { name: 'Delete study' }).count()).toBe(0);
    await screenshot(page, 'study');
  }, 180_000);

  it('a technologist drags a folder onto the upload area and every file in it, subfolders included, is stored', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'console-drop-'));
    mkdirSync(path.join(folder, 'series-2', 'nested'), { recursive: true });
    const droppedStudy = testUid();
    const series = testUid();
    const files = ['series-2/a.dcm', 'series-2/b.dcm', 'series-2/nested/c.dcm'];
    for (const [index, file] of files.entries()) {
      writeFileSync(
        path.join(folder, file),
        ctInstance({
          // A study of its own: the viewer tests expect the first study's one series of four images.
          studyInstanceUid: droppedStudy,
          seriesInstanceUid: series,
          patientId,
          patientName: 'Console^Casey',
          extra: { InstanceNumber: String(index + 1) },
        }),
      );
    }
    const { page } = await session('technologist', '/upload');
    // A real drag and drop of a folder from the desktop, as Chromium's input pipeline delivers it.
    const zone = await page.locator('.drop-zone').boundingBox();
    if (!zone) throw new Error('no drop zone');
    const cdp = await page.context().newCDPSession(page);
    const at = { x: zone.x + zone.width / 2, y: zone.y + zone.height / 2 };
    const data = { items: [], files: [folder], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'])
      await cdp.send('Input.dispatchDragEvent', { type: type as 'drop', ...at, data });
    await page.getByText('Finished. 3 of 3 stored.').waitFor({ timeout: 60_000 });
  }, 120_000);

  it('an administrator corrects an attribute with a reason and sees it in the edit history', async () => {
    const { page } = await session('administrator', `/studies/${study}`);
    const form = page.locator('form').filter({ hasText: 'Correct an attribute' });
    await form.getByLabel('New value').fill('CT CHEST W/O CONTRAST');
    await form.getByLabel('Reason').fill('Description corrected from the order');
    await form.getByRole('button', { name: 'Save correction' }).click();
    await page.getByText('StudyDescription: CT CHEST → CT CHEST W/O CONTRAST').waitFor();
    await page.getByText(/“Description corrected from the order”/).waitFor();
  });

  it('an administrator shares the study, reads its access log and revokes it', async () => {
    const { page } = await session('administrator', `/studies/${study}`);
    await page.getByRole('link', { name: 'Share this study' }).click();
    const recipient = `partner-${testUid().slice(-8)}@clinic.example`;
    const form = page.locator('form').filter({ hasText: 'Share a study' });
    expect(await form.getByLabel('Study Instance UID').inputValue()).toBe(study);
    await form.getByLabel('Recipient email').fill(recipient);
    await form.getByLabel('Purpose').fill('Second opinion');
    await form.getByRole('button', { name: 'Share' }).click();
    await page.getByText(`Shared with ${recipient}; the link was mailed.`).waitFor();
    const mail = (await sentMail()).filter((sent) => sent.destination.to.includes(recipient));
    expect(mail.length).toBe(1);
    const row = page.getByRole('row').filter({ hasText: recipient });
    await row.getByRole('button', { name: 'Access log' }).click();
    await page.getByText('The recipient has not used the link.').waitFor();
    await screenshot(page, 'shares');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('cell', { name: 'revoked' }).waitFor();
  });

  it('[PP-14][PP-15] an administrator exports everything in one click and downloads it: spreadsheets and DICOM files in a ZIP', async () => {
    const { page } = await session('administrator', '/exports');
    await page.getByRole('button', { name: 'Export everything' }).click();
    await page
      .getByRole('button', { name: /Download part 1/ })
      .first()
      .waitFor({ timeout: 120_000 });
    await page.getByText('Status: succeeded').first().waitFor();
    await screenshot(page, 'exports');
    const download = page.waitForEvent('download');
    await page
      .getByRole('button', { name: /Download part 1/ })
      .first()
      .click();
    const archive = readFileSync((await (await download).path()) ?? '');
    expect(archive.subarray(0, 2).toString()).toBe('PK');
    // ZIP entry names are stored as plain text: the spreadsheets and the images are in the part.
    const names = archive.toString('latin1');
    expect(names).toMatch(/\.xlsx/);
    expect(names).toMatch(/\.csv/);
    expect(names).toMatch(/\.dcm/);
  }, 180_000);

  it('the audit log shows who did what and downloads as CSV and XLSX', async () => {
    const { page } = await session('administrator', '/audit');
    await page
      .getByRole('cell', { name: /report-written/ })
      .first()
      .waitFor();
    await screenshot(page, 'audit');
    const csvDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const csv = readFileSync((await (await csvDownload).path()) ?? '', 'utf8');
    expect(csv.split('\n')[0]).toMatch(/event/i);
    expect(csv).toContain('report-written');
    const xlsxDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download XLSX' }).click();
    const xlsx = readFileSync((await (await xlsxDownload).path()) ?? '');
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');
  });

  it('a clinician opens a support ticket; an administrator sees support access and the approval switch', async () => {
    const clinician = await session('clinician', '/support');
    const form = clinician.page.locator('form').filter({ hasText: 'Ask PACScribe support' });
    await form.getByLabel('Subject').fill('Thumbnails load slowly');
    await form.getByLabel('Message').fill('Since this morning the study list takes long to show previews.');
    await form.getByRole('button', { name: 'Open ticket' }).click();
    await clinician.page.getByRole('button', { name: 'Thumbnails load slowly' }).click();
    await clinician.page
      .getByText('Since this morning the study list takes long to show previews.')
      .waitFor();
    // Clinicians do not read the audit trail, so the support access log is not theirs.
    expect(await clinician.page.getByRole('heading', { name: 'Support access to your data' }).count()).toBe(
      0,
    );

    const { page } = await session('administrator', '/support');
    await page.getByRole('heading', { name: 'Support access to your data' }).waitFor();
    await page.getByText('PACScribe staff have never had access to your data.').waitFor();
    await page.getByRole('checkbox', { name: /administrator's approval/ }).waitFor();
    await screenshot(page, 'support');
  });

  it('[PP-20] billing, mail preferences (the marketing opt-out in account settings) and the privacy policy work for an administrator', async () => {
    const { page } = await session('administrator', '/billing');
    await page.getByText(/status: none/i).waitFor();
    await page.getByRole('button', { name: 'Continue to payment on Stripe' }).waitFor();
    await screenshot(page, 'billing');

    await page.goto(consoleUrl('/preferences'));
    const marketing = page.getByRole('checkbox', { name: /marketing/ });
    await marketing.waitFor();
    const before = await marketing.isChecked();
    await page.getByText('Product news and offers (marketing)').click();
    await page.getByText(before ? /opt-out/ : /opt-in/).waitFor();
    expect(await marketing.isChecked()).toBe(!before);
    await screenshot(page, 'preferences');

    await page.goto(consoleUrl('/privacy-policy'));
    await page.locator('article.policy h1, article.policy h2').first().waitFor();
    await screenshot(page, 'privacy-policy');
  });

  it('[PP-06] each role sees only the study actions its permissions allow', async () => {
    for (const role of ROLES) {
      const { page } = await session(role, `/studies/${study}`);
      await page.getByText('Image 1 of 4').waitFor();
      // The report and the history have loaded: their forms appear, or not, only then.
      await page.getByText(/^Version 1, final/).waitFor();
      await page.getByText('Version 0', { exact: true }).waitFor();
      const allowed = DEFAULT_PERMISSIONS[role];
      const count = (name: string | RegExp) => page.getByRole('button', { name }).count();
      expect({
        delete: await count('Delete study'),
        edit: await count('Save correction'),
        report: await count(/^Sign (report|amendment)$/),
        share: await page.getByRole('link', { name: 'Share this study' }).count(),
      }).toEqual({
        delete: allowed.includes('delete') ? 1 : 0,
        edit: allowed.includes('edit') ? 1 : 0,
        report: allowed.includes('write-reports') ? 1 : 0,
        share: allowed.includes('share') ? 1 : 0,
      });
    }
  }, 120_000);

  it("[PP-09] an administrator requires approval, approves a support engineer's grant, sees what was viewed under it, and revokes it", async () => {
    const { page } = await session('administrator', '/support');
    const approval = page.getByRole('checkbox', { name: /administrator's approval/ });
    await approval.waitFor();
    if (!(await approval.isChecked())) {
      await page.getByText(/Support staff need an administrator's approval/).click();
      await until(() => approval.isChecked(), 'the approval switch to turn on');
    }
    const ticket = await postJson(
      '/v1/support/tickets',
      { subject: 'Series will not open', message: 'The second series shows an error.' },
      org.users.clinician.accessToken,
    );
    const staffUser = localConfig().users.find((candidate) => candidate.role === 'support-engineer');
    if (!staffUser) throw new Error('no seeded support engineer');
    const staff = await signIn(staffUser.email, staffUser.password, 'support');
    const requested = await postJson(
      '/v1/support/access-grants',
      { orgId: org.orgId, ticketId: ticket.json().ticketId, reason: 'Look at the series that will not open' },
      staff.accessToken,
    );
    expect(requested.json().status).toBe('pending-approval');
    const grantId = requested.json().grantId as string;

    // Tokens live in memory, so the page refreshes in place rather than reloading.
    const refresh = page.getByRole('button', { name: 'Refresh' });
    await refresh.click();
    const grant = page.getByRole('article').filter({ hasText: 'Look at the series that will not open' });
    await grant.getByText('pending-approval').waitFor();
    await grant.getByRole('button', { name: 'Approve' }).click();
    await grant.getByText(/^active/).waitFor();
    const viewed = await callApi('GET', `/dicomweb/studies?PatientID=${patientId}`, {
      token: staff.accessToken,
      headers: { 'x-support-grant': grantId, accept: 'application/dicom+json' },
    });
    expect(viewed.status).toBe(200);
    await refresh.click();
    await grant.getByText(/studies-queried/).waitFor();
    await screenshot(page, 'support-access');
    await grant.getByRole('button', { name: 'Revoke access' }).click();
    await grant.getByText(/^revoked/).waitFor();
  });

  it('renews the access token with the refresh token before it expires, while the user keeps working', async () => {
    const watched = await watchedPage(browser);
    opened.push(watched);
    const { page } = watched;
    await page.clock.install();
    const grants: string[] = [];
    let expiresIn = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/oauth2/token'))
        grants.push(new URLSearchParams(request.postData() ?? '').get('grant_type') ?? '');
    });
    page.on('response', async (response) => {
      if (response.url().endsWith('/oauth2/token') && response.ok())
        expiresIn ||= (await response.json()).expires_in;
    });
    const user = org.users.radiologist;
    await signInThroughConsole(page, user.email, user.password);
    expect(grants).toEqual(['authorization_code']);
    expect(expiresIn).toBeGreaterThan(60);
    // Work continues (a key every ten minutes) until the token is a minute from expiry.
    for (let elapsed = 0; elapsed < expiresIn - 30; elapsed += 600) {
      await page.keyboard.press('Shift');
      await page.clock.fastForward(Math.min(600, expiresIn - 30 - elapsed) * 1000);
    }
    await until(() => grants.length === 2, 'the refresh grant');
    expect(grants).toEqual(['authorization_code', 'refresh_token']);
    // The page keeps working with the renewed token. (With the clock faked, animation frames do not run,
    // so a click's stability check would never settle: the route changes through the address instead.)
    await page.evaluate("window.location.hash = '#/studies'");
    await page.getByRole('heading', { name: 'Studies' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Console' }).count()).toBe(1);
  }, 120_000);

  it('signing out ends the session, and 15 minutes without input sign the user out', async () => {
    const { page } = await session('technologist');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You signed out.').waitFor();
    // Back to a page: the tokens are gone, so it asks to sign in again.
    await page.goto(consoleUrl('/upload'));
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Console' }).count()).toBe(0);

    const idle = await watchedPage(browser);
    opened.push(idle);
    await idle.page.clock.install();
    const user = org.users.clinician;
    await signInThroughConsole(idle.page, user.email, user.password);
    await idle.page.clock.fastForward('14:00');
    expect(await idle.page.getByRole('navigation', { name: 'Console' }).count()).toBe(1);
    await idle.page.clock.fastForward('01:05');
    await idle.page.getByText('You were signed out after 15 minutes without activity.').waitFor();
  });

  it('works at tablet width without horizontal scrolling', async () => {
    const { page } = await session('radiologist', '/studies', { width: 768, height: 1024 });
    await page.getByRole('button', { name: 'Search' }).click();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'studies-tablet');
  });

  it('has no serious or critical accessibility violations (axe-core, WCAG 2.2 AA) on any page', async () => {
    const { page } = await session('administrator');
    const found: string[] = [];
    for (const item of NAV) {
      await page.goto(consoleUrl(item.path));
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      for (const violation of await accessibilityViolations(page)) {
        if (violation.impact === 'serious' || violation.impact === 'critical')
          found.push(
            `${item.path}: ${violation.id} (${violation.help}) at ${JSON.stringify(violation.nodes[0]?.target)}`,
          );
      }
    }
    await page.goto(consoleUrl(`/studies/${study}`));
    await page.getByText('Image 1 of 4').waitFor();
    for (const violation of await accessibilityViolations(page)) {
      if (violation.impact === 'serious' || violation.impact === 'critical')
        found.push(`study: ${violation.id} (${violation.help})`);
    }
    expect(found).toEqual([]);
  }, 180_000);
});
