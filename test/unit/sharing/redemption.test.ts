import { VerificationFailedError } from '../../../functions/shared/errors';
import {
  openShareSession,
  REDEMPTION_LIMITS,
  requestShareCode,
  ShareUnavailableError,
  sharedSession,
} from '../../../functions/sharing/core/redemption';
import { redemptionDeps, storedShare } from './share-fakes';

const IP = '198.51.100.7';

async function session(passcode?: string) {
  const { deps, store, mail, clock } = redemptionDeps();
  const { share, token } = await storedShare(store, {}, passcode);
  await requestShareCode(deps, token, IP);
  return { deps, store, mail, clock, share, token, code: mail.lastCode() };
}

describe('[PP-07] share redemption', () => {
  it('mails an 8-digit code to the share’s recipient only, and keeps only its digest', async () => {
    const { store, mail, share, code } = await session();
    expect(code).toMatch(/^[0-9]{8}$/);
    expect(mail.codes).toEqual([{ to: share.recipientEmail, code }]);
    expect(JSON.stringify([...store.codes.values()])).not.toContain(code);
  });

  it('opens a session bound to the share with the right code, once', async () => {
    const { deps, token, code, share } = await session();
    const opened = await openShareSession(deps, token, { code }, IP);
    expect(opened.share.shareId).toBe(share.shareId);
    await expect(sharedSession(deps, token, opened.sessionToken)).resolves.toMatchObject({ session: 'open' });
    await expect(openShareSession(deps, token, { code }, IP)).rejects.toBeInstanceOf(VerificationFailedError);
  });

  it('shows nothing without a session: no cookie, a made-up cookie, or another share’s session', async () => {
    const { deps, store, token, code } = await session();
    const other = await storedShare(store);
    await requestShareCode(deps, other.token, IP);
    const otherSession = await openShareSession(
      deps,
      other.token,
      { code: (deps.mail as unknown as { lastCode(): string }).lastCode() },
      IP,
    );
    await expect(sharedSession(deps, token, null)).resolves.toMatchObject({ session: 'none' });
    await expect(sharedSession(deps, token, 'x'.repeat(43))).resolves.toMatchObject({ session: 'none' });
    await expect(sharedSession(deps, token, otherSession.sessionToken)).resolves.toMatchObject({
      session: 'none',
    });
    expect(code).toMatch(/^[0-9]{8}$/);
  });

  it('refuses a wrong code, a missing or wrong passcode, and locks the code after 5 guesses', async () => {
    const { deps, token, code } = await session('open sesame');
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const guesses = [
      { code: wrong, passcode: 'open sesame' },
      { code },
      { code, passcode: 'open sesame!' },
      { code: wrong },
      { code: wrong, passcode: 'open sesame' },
    ];
    for (const guess of guesses) {
      await expect(openShareSession(deps, token, guess, IP)).rejects.toMatchObject({ locked: false });
    }
    await expect(openShareSession(deps, token, { code, passcode: 'open sesame' }, IP)).rejects.toMatchObject({
      locked: true,
    });
  });

  it('refuses an expired code', async () => {
    const { deps, clock, token, code } = await session();
    clock.advance(REDEMPTION_LIMITS.codeValidMinutes * 60_000 + 1);
    await expect(openShareSession(deps, token, { code }, IP)).rejects.toBeInstanceOf(VerificationFailedError);
  });

  it('ends open sessions when the share is revoked or expires, and when the session times out', async () => {
    const revokedCase = await session();
    const opened = await openShareSession(
      revokedCase.deps,
      revokedCase.token,
      { code: revokedCase.code },
      IP,
    );
    await revokedCase.store.revokeShare(revokedCase.share.shareId, '2026-12-03T12:01:00.000Z', 'admin');
    await expect(
      sharedSession(revokedCase.deps, revokedCase.token, opened.sessionToken),
    ).rejects.toBeInstanceOf(ShareUnavailableError);

    const expiring = await session();
    const open = await openShareSession(expiring.deps, expiring.token, { code: expiring.code }, IP);
    expiring.clock.advance(REDEMPTION_LIMITS.sessionMinutes * 60_000 + 1);
    await expect(sharedSession(expiring.deps, expiring.token, open.sessionToken)).resolves.toMatchObject({
      session: 'none',
    });
    expiring.clock.advance(8 * 24 * 3600 * 1000);
    await expect(sharedSession(expiring.deps, expiring.token, open.sessionToken)).rejects.toBeInstanceOf(
      ShareUnavailableError,
    );
  });

  it('opens no more sessions than maxUses, but lets the last one finish', async () => {
    const { deps, store } = redemptionDeps();
    const { token } = await storedShare(store, { maxUses: 1 });
    await requestShareCode(deps, token, IP);
    const mail = deps.mail as unknown as { lastCode(): string };
    const opened = await openShareSession(deps, token, { code: mail.lastCode() }, IP);
    await expect(sharedSession(deps, token, opened.sessionToken)).resolves.toMatchObject({ session: 'open' });
    await expect(requestShareCode(deps, token, IP)).rejects.toBeInstanceOf(ShareUnavailableError);
  });

  it('answers unknown links like withdrawn ones', async () => {
    const { deps } = redemptionDeps();
    await expect(requestShareCode(deps, 'A'.repeat(43), IP)).rejects.toBeInstanceOf(ShareUnavailableError);
  });

  it('limits codes per link and attempts per source address', async () => {
    const { deps, store } = redemptionDeps();
    const { token } = await storedShare(store);
    for (let i = 0; i < REDEMPTION_LIMITS.codesPerSharePerHour; i += 1) {
      await requestShareCode(deps, token, `203.0.113.${i}`);
    }
    await expect(requestShareCode(deps, token, '203.0.113.99')).rejects.toMatchObject({
      name: 'RateLimitedError',
    });
    const other = await storedShare(store);
    let refused = 0;
    for (let i = 0; i < REDEMPTION_LIMITS.requestsPerSourcePer10Minutes + 5; i += 1) {
      await openShareSession(deps, other.token, { code: '12345678' }, IP).catch((error: Error) => {
        if (error.name === 'RateLimitedError') refused += 1;
      });
    }
    expect(refused).toBe(5);
  });
});
