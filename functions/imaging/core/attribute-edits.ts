import type { EditValue } from '#schemas/imaging/study-edits';
import { EDITABLE_KEYWORDS, editableAttribute } from './editable-attributes';

/**
 * The current edits of one study: keyword → value for patient and study attributes, and per series.
 * Stored instances never change; reads (QIDO, WADO metadata, retrieved files) apply these on the way out.
 * A keyword absent here has its stored value; null means edited to empty.
 */
export interface AttributeEdits {
  study: Readonly<Record<string, EditValue>>;
  series: Readonly<Record<string, Readonly<Record<string, EditValue>>>>;
}

export const NO_EDITS: AttributeEdits = { study: {}, series: {} };

export const hasEdits = (edits: AttributeEdits): boolean =>
  Object.keys(edits.study).length > 0 ||
  Object.values(edits.series).some((series) => Object.keys(series).length > 0);

/** One attribute as it must read in an instance of the study. */
export interface AttributeOverride {
  tag: string;
  vr: string;
  value: EditValue;
}

/** The overrides that apply to an instance of one series: the study's, then its series'. */
export function overridesFor(edits: AttributeEdits, series: string): AttributeOverride[] {
  const entries = [...Object.entries(edits.study), ...Object.entries(edits.series[series] ?? {})];
  return entries.map(([keyword, value]) => ({ ...editableAttribute(keyword), value }));
}

/** The DICOM JSON form of a value (PS3.18 F.2): PN as an Alphabetic group, IS and DS as numbers. */
export function dicomJsonAttribute(vr: string, value: EditValue): { vr: string; Value?: unknown[] } {
  if (value === null || value === '') return { vr };
  if (vr === 'PN') return { vr, Value: [{ Alphabetic: String(value) }] };
  if (vr === 'IS' || vr === 'DS') return { vr, Value: [Number(value)] };
  return { vr, Value: [String(value)] };
}

/** The value a stored DICOM JSON document holds for a keyword, in the form an edit gives it. */
export function storedValue(
  dataset: Readonly<Record<string, { vr?: string; Value?: unknown[] }>> | null,
  keyword: string,
): EditValue {
  const { tag, vr } = editableAttribute(keyword);
  const first = dataset?.[tag]?.Value?.[0];
  if (first === undefined || first === null) return null;
  if (vr === 'PN') {
    const alphabetic = (first as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === 'string' && alphabetic ? alphabetic : null;
  }
  if (vr === 'IS') return typeof first === 'number' ? first : Number(first);
  return typeof first === 'string' || typeof first === 'number' ? String(first) : null;
}

/** Applies an instance's overrides to its DICOM JSON dataset, in place. */
export function applyToDataset(
  dataset: Record<string, unknown>,
  overrides: readonly AttributeOverride[],
): Record<string, unknown> {
  for (const { tag, vr, value } of overrides) dataset[tag] = dicomJsonAttribute(vr, value);
  return dataset;
}

const seriesOf = (dataset: Record<string, unknown>): string | null => {
  const value = (dataset['0020000E'] as { Value?: unknown[] } | undefined)?.Value?.[0];
  return typeof value === 'string' ? value : null;
};

/**
 * A stored metadata document as the study currently reads. Untouched (not even re-serialized) when the
 * study has no edits, so the common path costs nothing.
 */
export function editedDocument(document: string, edits: AttributeEdits): string {
  if (!hasEdits(edits)) return document;
  const dataset = JSON.parse(document) as Record<string, unknown>;
  return JSON.stringify(applyToDataset(dataset, overridesFor(edits, seriesOf(dataset) ?? '')));
}

/** Every editable keyword of a level, for validation of stored edits read back. */
export const isEditableKeyword = (keyword: string): boolean =>
  (EDITABLE_KEYWORDS.study as readonly string[]).includes(keyword) ||
  (EDITABLE_KEYWORDS.series as readonly string[]).includes(keyword);
