import type { CustomerPrincipal } from '../../../functions/shared/auth/principal';
import { ConflictError, NotFoundError } from '../../../functions/shared/errors';
import type { CreateShareDeps } from '../../../functions/sharing/core/shares';
import { createShare, listShares, revokeShare } from '../../../functions/sharing/core/shares';
import { CreateShareBodySchema } from '../../../schemas/sharing/shares';
import { redemptionDeps } from './share-fakes';

const admin: CustomerPrincipal = {
  kind: 'customer',
  userId: 'admin-1',
  orgId: 'org-a',
  role: 'administrator',
  permissions: new Set(['view', 'share', 'manage-users', 'view-audit']),
};
const sharer: CustomerPrincipal = {
  ...admin,
  userId: 'rad-1',
  role: 'radiologist',
  permissions: new Set(['view', 'share']),
};

function deps() {
  const base = redemptionDeps();
  const study = { studyInstanceUid: '1.2.3', patientId: 'PID-1' };
  const full: CreateShareDeps = {
    ...base.deps,
    index: {
      getStudy: async (orgId: string, uid: string) =>
        orgId === 'org-a' && uid === study.studyInstanceUid
          ? ({ ...study, modalities: [], seriesCount: 1, instanceCount: 1 } as never)
          : null,
      listSeries: async () => [
        {
          studyInstanceUid: '1.2.3',
          seriesInstanceUid: '1.2.3.1',
          modality: 'CT',
          seriesNumber: 1,
          instanceCount: 1,
        },
      ],
    },
    directory: { organizationName: async () => 'Riverside', memberName: async () => 'Dana' },
    linkBase: 'https://api.example',
  };
  return { ...base, full };
}

const body = (overrides: Record<string, unknown> = {}) =>
  CreateShareBodySchema.parse({
    studyInstanceUid: '1.2.3',
    recipientEmail: 'Partner@Vendor.example',
    scope: 'view',
    ...overrides,
  });

describe('creating shares', () => {
  it('mails the link to the recipient, stores only its digest, and answers it once', async () => {
    const { full, store, mail } = deps();
    const made = await createShare(full, admin, body(), 'key-12345678');
    expect(made.link).toMatch(/^https:\/\/api\.example\/s\/[A-Za-z0-9_-]{43}$/);
    expect(mail.links).toEqual([{ to: 'partner@vendor.example', link: made.link }]);
    const secret = made.link?.split('/').at(-1) ?? '';
    expect(JSON.stringify([...store.shares.values(), ...store.tokens.entries()])).not.toContain(secret);
    const again = await createShare(full, admin, body(), 'key-12345678');
    expect(again).toMatchObject({ replayed: true, link: null });
    expect(again.share.shareId).toBe(made.share.shareId);
    expect(store.shares.size).toBe(1);
    expect(mail.links).toHaveLength(1);
    await expect(
      createShare(full, admin, body({ scope: 'download' }), 'key-12345678'),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('stores nothing when the mail cannot be sent', async () => {
    const { full, store, mail } = deps();
    mail.failNext = true;
    await expect(createShare(full, admin, body(), null)).rejects.toThrow('mail down');
    expect(store.shares.size).toBe(0);
  });

  it('[PP-07] cannot share another organization’s study or a series outside the study', async () => {
    const { full } = deps();
    await expect(createShare(full, { ...admin, orgId: 'org-b' }, body(), null)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      createShare(full, admin, body({ seriesInstanceUids: ['9.9.9'] }), null),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps the passcode only as a scrypt hash', async () => {
    const { full, store } = deps();
    await createShare(full, admin, body({ passcode: 'tell-by-phone' }), null);
    const stored = [...store.shares.values()][0];
    expect(stored?.passcodeHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(stored)).not.toContain('tell-by-phone');
  });
});

describe('managing shares', () => {
  it('shows administrators every share and other sharers their own; revocation is theirs alike', async () => {
    const { full } = deps();
    const own = await createShare(full, sharer, body(), null);
    const admins = await createShare(full, admin, body(), null);
    expect((await listShares(full, admin)).map((share) => share.shareId).sort()).toEqual(
      [own.share.shareId, admins.share.shareId].sort(),
    );
    expect((await listShares(full, sharer)).map((share) => share.shareId)).toEqual([own.share.shareId]);
    await expect(revokeShare(full, sharer, admins.share.shareId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeShare(full, { ...admin, orgId: 'org-b' }, own.share.shareId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await revokeShare(full, admin, own.share.shareId)).status).toBe('revoked');
  });
});
