import fc from 'fast-check';
import { QidoStudyQuerySchema } from '#schemas/imaging/qido';
import { nameIndexKey } from '../../../../functions/imaging/adapters/imaging-index-keys';
import type { ImagingIndex, StudyRecord, StudySearch } from '../../../../functions/imaging/core/ports';
import {
  MAX_STUDY_CANDIDATES,
  patientNameStart,
  personNameMatcher,
  searchStudies,
} from '../../../../functions/imaging/core/search';
import type { CustomerPrincipal } from '../../../../functions/shared/auth/principal';
import { studyRecord } from '../../../support/imaging-fakes';

const caller = { kind: 'customer', orgId: 'org-a', userId: 'u1' } as CustomerPrincipal;

const study = (n: number, patientName: string): StudyRecord =>
  studyRecord({ studyInstanceUid: `1.${n}`, patientId: `P${n}`, patientName, studyDate: '20261101' });

/** An index of `count` studies, every tenth named SMITH, that counts what a search reads of it. */
function countingIndex(count: number, name = (n: number) => (n % 10 === 0 ? 'Smith^Ann' : 'Jones^Bob')) {
  const seen: { searches: StudySearch[]; firstPages: number[]; read: number } = {
    searches: [],
    firstPages: [],
    read: 0,
  };
  const index = {
    async *findStudies(_orgId: string, search: StudySearch, firstPage: number) {
      seen.searches.push(search);
      seen.firstPages.push(firstPage);
      for (let n = 0; n < count; n += 1) {
        seen.read += 1;
        yield study(n, name(n));
      }
    },
  } as unknown as ImagingIndex;
  return { index, seen };
}

const query = (params: Record<string, string>) => QidoStudyQuerySchema.parse(params);

describe('a study search reads what it returns, not what the organization holds', () => {
  it('stops reading once one more than the page has matched, and says more matched', async () => {
    const { index, seen } = countingIndex(20_000);

    const result = await searchStudies({ index }, caller, query({ PatientName: '*mith*', limit: '10' }));

    expect(result.studies).toHaveLength(10);
    expect(result.truncated).toBe(true);
    // The 11th match is study 100: 101 studies read of 20,000.
    expect(seen.read).toBe(101);
    expect(seen.firstPages).toEqual([11]);
  });

  it('reads no more than the candidate cap when few match, and says it was cut short', async () => {
    const { index, seen } = countingIndex(MAX_STUDY_CANDIDATES + 1000, () => 'Jones^Bob');

    const result = await searchStudies({ index }, caller, query({ PatientName: 'Smith*' }));

    expect(result).toEqual({ studies: [], truncated: true });
    expect(seen.read).toBe(MAX_STUDY_CANDIDATES);
  });

  it('reads everything, untruncated, when everything fits', async () => {
    const { index, seen } = countingIndex(30);

    const result = await searchStudies({ index }, caller, query({ PatientName: 'SMITH*' }));

    expect(result.studies.map((found) => found.studyInstanceUid)).toEqual(['1.0', '1.10', '1.20']);
    expect(result.truncated).toBe(false);
    expect(seen.read).toBe(30);
    expect(seen.firstPages).toEqual([101]);
  });

  it('gives the index what every matching name begins with, and nothing when a name may begin with anything', async () => {
    const searched = async (params: Record<string, string>) => {
      const { index, seen } = countingIndex(0);
      await searchStudies({ index }, caller, query(params));
      return seen.searches[0]?.patientNameStart;
    };

    expect(await searched({ PatientName: 'Bench^Patient1*' })).toBe('BENCH^PATIENT1');
    expect(await searched({ PatientName: 'smi?h*' })).toBe('SMI');
    expect(await searched({ PatientName: 'Doe^Jane' })).toBe('DOE^JANE');
    expect(await searched({ PatientName: '*smith' })).toBeUndefined();
    expect(await searched({ PatientName: 'smith', fuzzymatching: 'true' })).toBeUndefined();
    expect(await searched({ ReferringPhysicianName: 'Smith*' })).toBeUndefined();
  });

  it('never leaves out a name the pattern matches: its key begins with the key of the pattern’s start', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'B', 'ß', 'ü', 'Ω', '^', ' ', '𝔄', 'ﬀ', 'İ'),
      maxLength: 90,
    });
    const pattern = fc.string({
      unit: fc.constantFrom('a', 'B', 'ß', 'ü', 'Ω', '^', '*', '?', '𝔄', 'ﬀ', 'İ'),
      maxLength: 90,
    });
    fc.assert(
      fc.property(pattern, text, (p, name) => {
        fc.pre(personNameMatcher(p)(name));
        expect(nameIndexKey(name).startsWith(nameIndexKey(patientNameStart(p, false)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    // Names built to match, so the property is not vacuous.
    fc.assert(
      fc.property(text, text, (start, rest) => {
        const name = `${start}${rest}`;
        const p = `${start}*`;
        expect(personNameMatcher(p)(name)).toBe(true);
        expect(nameIndexKey(name).startsWith(nameIndexKey(patientNameStart(p, false)))).toBe(true);
      }),
    );
  });
});
