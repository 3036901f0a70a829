import { KnownOrganizations } from '../../../../functions/shared/auth/known-organizations';

describe('known organizations (the read-ahead hint)', () => {
  it('remembers the latest organization a subject was seen in', () => {
    const known = new KnownOrganizations();
    expect(known.of('user-1')).toBeUndefined();
    known.remember('user-1', 'org-a');
    known.remember('user-1', 'org-b');
    expect(known.of('user-1')).toBe('org-b');
  });

  it('keeps at most its bound, forgetting the subject seen least recently', () => {
    const known = new KnownOrganizations(2);
    known.remember('user-1', 'org-a');
    known.remember('user-2', 'org-a');
    expect(known.of('user-1')).toBe('org-a');
    known.remember('user-3', 'org-b');
    expect(known.of('user-2')).toBeUndefined();
    expect(known.of('user-1')).toBe('org-a');
    expect(known.of('user-3')).toBe('org-b');
  });
});
