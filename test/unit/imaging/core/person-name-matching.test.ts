import fc from 'fast-check';
import { QidoStudyQuerySchema } from '#schemas/imaging/qido';
import type { ImagingIndex, StudyRecord } from '../../../../functions/imaging/core/ports';
import {
  type MatchBudget,
  personNameMatcher,
  searchStudies,
  wildcardMatch,
} from '../../../../functions/imaging/core/search';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import { studyRecord } from '../../../support/imaging-fakes';

const caller = { kind: 'customer', orgId: 'org-a', userId: 'u1' } as CustomerPrincipal;

/** The matcher PACScribe used before: a regex per pattern, `.*` per `*`. The reference for semantics. */
function regexMatcher(pattern: string, fuzzy: boolean): (name: string | null) => boolean {
  const expression = (value: string) =>
    value
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.');
  const withoutAccents = (value: string) => value.normalize('NFD').replace(/\p{M}/gu, '');
  if (!fuzzy) {
    const regex = new RegExp(`^${expression(pattern.toUpperCase())}$`);
    return (name) => name !== null && regex.test(name.toUpperCase());
  }
  const words = withoutAccents(pattern)
    .toUpperCase()
    .split(/[\s^,=]+/)
    .filter(Boolean)
    .map((word) => new RegExp(`^${expression(word)}`));
  return (name) => {
    if (name === null) return false;
    const components = withoutAccents(name)
      .toUpperCase()
      .split(/[\s^=]+/)
      .filter(Boolean);
    return words.every((word) => components.some((component) => word.test(component)));
  };
}

const budget = (): MatchBudget => ({ steps: 0, maxSteps: Number.POSITIVE_INFINITY });

describe('person name matching without backtracking', () => {
  it('matches the pentest pattern against a 64-character name in at most (pattern+1) × (name+1) steps', () => {
    const pattern = `${'*A'.repeat(12)}*B`;
    const name = 'A'.repeat(64);
    const work = budget();

    expect(wildcardMatch(pattern, name, work)).toBe(false);

    // A backtracking regex takes ~10^11 steps here; the greedy matcher is bounded by the product.
    expect(work.steps).toBeLessThanOrEqual((pattern.length + 1) * (name.length + 1));
  });

  it('does work that grows linearly with the name for a fixed worst-case pattern', () => {
    const pattern = `${'*A'.repeat(12)}*B`;
    const stepsFor = (length: number) => {
      const work = budget();
      wildcardMatch(pattern, 'A'.repeat(length), work);
      return work.steps;
    };

    const [short, long] = [stepsFor(1000), stepsFor(4000)];

    expect(long / short).toBeLessThan(4.5);
    expect(long).toBeLessThanOrEqual((pattern.length + 1) * 4001);
  });

  it('bounds the fuzzy matcher the same way, word by word', () => {
    const work = budget();
    const matches = personNameMatcher(`${'*A'.repeat(12)}*B ${'?'.repeat(8)}`, true, work);

    const name = `${'A'.repeat(64)}^${'Á'.repeat(64)}`;

    expect(matches(name)).toBe(false);
    // A step a character to fold the name, then each word as a prefix pattern (the word and a trailing
    // *) against two 64-character components.
    expect(work.steps).toBeLessThanOrEqual(name.length + 2 * (27 + 1) * (64 + 1));
  });

  it('charges every comparison of a request to one budget and stops when it is spent', () => {
    const work: MatchBudget = { steps: 0, maxSteps: 100 };
    const matches = personNameMatcher('*A*B', false, work);

    expect(matches('A'.repeat(60))).toBe(false);
    expect(work.steps).toBeGreaterThan(100);
    expect(work.steps).toBeLessThanOrEqual(101);
    // Spent: nothing more matches, not even a name that would.
    expect(matches('AB')).toBe(false);
  });

  const nameCharacter = fc.constantFrom(...'abAB^ =-.*?éÉ\\'.split(''));
  const patternCharacter = fc.constantFrom(...'abAB^ =*?*?.\\'.split(''));

  it('agrees with the regex matcher it replaces on random whole-value patterns and names', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: patternCharacter, maxLength: 10 }),
        fc.string({ unit: nameCharacter, maxLength: 12 }),
        (pattern, name) => {
          expect(personNameMatcher(pattern)(name)).toBe(regexMatcher(pattern, false)(name));
        },
      ),
      { numRuns: 5000, seed: 20261124 },
    );
  });

  it('agrees with the regex matcher it replaces on random fuzzy (word-prefix) patterns and names', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: patternCharacter, maxLength: 10 }),
        fc.string({ unit: nameCharacter, maxLength: 12 }),
        (pattern, name) => {
          expect(personNameMatcher(pattern, true)(name)).toBe(regexMatcher(pattern, true)(name));
        },
      ),
      { numRuns: 5000, seed: 20261125 },
    );
  });
});

describe('QIDO name patterns are bounded per request', () => {
  it('refuses a name pattern with more than 16 wildcards, and accepts 16', () => {
    const refused = QidoStudyQuerySchema.safeParse({ PatientName: `${'*a'.repeat(16)}*` });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/wildcards/);
    expect(QidoStudyQuerySchema.safeParse({ ReferringPhysicianName: '?'.repeat(17) }).success).toBe(false);
    expect(QidoStudyQuerySchema.safeParse({ PatientName: `${'*a'.repeat(8)}${'?'.repeat(8)}` }).success).toBe(
      true,
    );
  });

  it('stops matching when the request’s matching budget is spent, and reports the result truncated', async () => {
    const study = (uid: string, patientName: string): StudyRecord =>
      studyRecord({
        studyInstanceUid: uid,
        patientId: 'P1',
        patientName,
        studyDate: '20261101',
        studyTime: '101500',
        accessionNumber: 'A1',
      });
    // Long stored names (a file can carry them) and the worst pattern the schema allows.
    const studies = Array.from({ length: 50 }, (_, index) => study(`1.${index}`, 'A'.repeat(2000)));
    studies.push(study('1.99', 'AAAAAAAB'));
    const index = {
      findStudies: async function* () {
        yield* studies;
      },
    } as unknown as ImagingIndex;
    const query = QidoStudyQuerySchema.parse({ PatientName: `${'*A'.repeat(7)}*B` });

    const unbounded = await searchStudies({ index }, caller, query);
    const bounded = await searchStudies({ index }, caller, query, { maxMatchSteps: 100_000 });

    expect(unbounded).toMatchObject({ truncated: false });
    expect(unbounded.studies.map((found) => found.studyInstanceUid)).toEqual(['1.99']);
    expect(bounded).toEqual({ studies: [], truncated: true });
  });
});
