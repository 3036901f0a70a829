import type { EditValue } from '#schemas/imaging/study-edits';
import { type InputIssue, InvalidInputError } from '../../shared/errors';
import { dicomDictionary } from './dicom-dictionary';

/**
 * Which attributes an edit may change, by level. Patient and study attributes are edited on the study,
 * series attributes on one series. UIDs never: they are the instance's identity (and storage and
 * references hang off them), so they are refused with their own code rather than rewritten.
 */
export const EDITABLE_KEYWORDS = {
  study: [
    'PatientName',
    'PatientID',
    'IssuerOfPatientID',
    'PatientBirthDate',
    'PatientSex',
    'PatientAge',
    'AccessionNumber',
    'StudyDescription',
    'StudyDate',
    'StudyTime',
    'StudyID',
    'ReferringPhysicianName',
  ],
  series: [
    'SeriesDescription',
    'SeriesNumber',
    'SeriesDate',
    'SeriesTime',
    'BodyPartExamined',
    'ProtocolName',
    'Laterality',
    'PerformingPhysicianName',
    'OperatorsName',
  ],
} as const;
export type EditLevel = keyof typeof EDITABLE_KEYWORDS;

/** What an accepted edit of one attribute is: where it lives and its checked value. */
export interface CheckedEdit {
  keyword: string;
  /** 8 hex digits, upper case, as DICOM JSON keys it. */
  tag: string;
  vr: string;
  value: EditValue;
}

/** Maximum value length in characters per VR (PS3.5 §6.2); PN per component group. */
const MAX_LENGTH: Readonly<Record<string, number>> = {
  AS: 4,
  CS: 16,
  DA: 8,
  DS: 16,
  IS: 12,
  LO: 64,
  PN: 64,
  SH: 16,
  TM: 14,
};

/** Control characters other than ESC (character set switching) never belong in these VRs. */
const hasControlCharacter = (value: string) =>
  [...value].some((character) => {
    const code = character.codePointAt(0) ?? 0;
    return (code < 0x20 && code !== 0x1b) || code === 0x7f;
  });

function validDate(value: string): boolean {
  if (!/^\d{8}$/.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(4, 6));
  const day = Number(value.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function validTime(value: string): boolean {
  const match = /^(\d{2})(\d{2})?(\d{2})?(\.\d{1,6})?$/.exec(value);
  if (!match) return false;
  if (match[4] && !match[3]) return false;
  return Number(match[1]) < 24 && Number(match[2] ?? 0) < 60 && Number(match[3] ?? 0) < 60;
}

/** Why a value does not fit its VR, or null when it does. */
function vrProblem(vr: string, value: string | number): string | null {
  if (vr === 'IS') {
    const number = typeof value === 'number' ? value : Number(value);
    if (typeof value === 'string' && !/^[+-]?\d{1,11}$/.test(value.trim())) return 'IS: an integer';
    if (!Number.isInteger(number) || number < -(2 ** 31) || number > 2 ** 31 - 1) {
      return 'IS: an integer between -2^31 and 2^31-1';
    }
    return null;
  }
  if (typeof value !== 'string') return `${vr}: a text value`;
  const max = MAX_LENGTH[vr];
  if (max === undefined) return `${vr}: not an editable value representation`;
  if (value.includes('\\')) return `${vr}: a single value (no backslash)`;
  if (hasControlCharacter(value)) return `${vr}: no control characters`;
  if (vr === 'PN') {
    const groups = value.split('=');
    if (groups.length > 3) return 'PN: at most three component groups';
    if (groups.some((group) => group.length > max))
      return `PN: at most ${max} characters per component group`;
    if (groups.some((group) => group.split('^').length > 5)) return 'PN: at most five components';
    return null;
  }
  if (value.length > max) return `${vr}: at most ${max} characters`;
  switch (vr) {
    case 'CS':
      return /^[A-Z0-9 _]*$/.test(value) ? null : 'CS: upper-case letters, digits, space and underscore';
    case 'DA':
      return validDate(value) ? null : 'DA: a date as YYYYMMDD';
    case 'TM':
      return validTime(value) ? null : 'TM: a time as HH[MM[SS[.FFFFFF]]]';
    case 'AS':
      return /^\d{3}[DWMY]$/.test(value) ? null : 'AS: an age such as 045Y';
    case 'DS':
      return /^[ ]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ ]*$/.test(value) ? null : 'DS: a decimal number';
    default:
      return null;
  }
}

/**
 * Checks every change of an edit at one level: a known, editable keyword, a value that fits its VR (from
 * dcmjs's data dictionary) and its length. All problems are reported at once, with the code of the
 * most fundamental: a UID, then an attribute that may not be edited, then a value that does not fit.
 */
export function checkEdits(level: EditLevel, changes: Readonly<Record<string, EditValue>>): CheckedEdit[] {
  const allowed: readonly string[] = EDITABLE_KEYWORDS[level];
  const issues: (InputIssue & { code: 'uid' | 'keyword' | 'value' })[] = [];
  const checked: CheckedEdit[] = [];
  for (const [keyword, raw] of Object.entries(changes)) {
    const path = `changes.${keyword}`;
    const entry = dicomDictionary().nameMap[keyword] as { tag: string; vr?: string } | undefined;
    const vr = entry?.vr;
    if (vr === 'UI') {
      issues.push({ path, message: 'UIDs are never edited', code: 'uid' });
      continue;
    }
    if (!entry || !vr || !allowed.includes(keyword)) {
      issues.push({
        path,
        message: entry
          ? `not editable at the ${level} level; editable: ${allowed.join(', ')}`
          : 'not a DICOM keyword',
        code: 'keyword',
      });
      continue;
    }
    const value = typeof raw === 'string' && vr !== 'PN' && vr !== 'LO' ? raw.trim() : raw;
    const problem = value === null || value === '' ? null : vrProblem(vr, value);
    if (problem) {
      issues.push({ path, message: problem, code: 'value' });
      continue;
    }
    const normalized: EditValue =
      value === '' || value === null ? null : vr === 'IS' ? Number(value) : String(value);
    checked.push({ keyword, tag: entry.tag.replace(/[(),]/g, '').toUpperCase(), vr, value: normalized });
  }
  if (issues.length > 0) {
    const plain = issues.map(({ path, message }) => ({ path, message }));
    if (issues.some((issue) => issue.code === 'uid')) {
      throw new InvalidInputError('A UID cannot be edited.', plain, 'uid_not_editable');
    }
    if (issues.some((issue) => issue.code === 'keyword')) {
      throw new InvalidInputError('An attribute cannot be edited.', plain, 'attribute_not_editable');
    }
    throw new InvalidInputError('A value does not fit its attribute.', plain, 'invalid_attribute_value');
  }
  return checked;
}

/** The dictionary entry of an editable keyword (for attributes carried in versions). */
export function editableAttribute(keyword: string): { tag: string; vr: string } {
  const entry = dicomDictionary().nameMap[keyword] as { tag: string; vr: string } | undefined;
  if (!entry) throw new Error(`unknown keyword ${keyword}`);
  return { tag: entry.tag.replace(/[(),]/g, '').toUpperCase(), vr: entry.vr };
}
