import { InvalidInputError } from '../../shared/errors';
import { dicomDictionary } from './dicom-dictionary';

/** What a QIDO response adds to its default attributes: everything held, or these tags. */
export type IncludeFields = { all: true } | { all: false; tags: ReadonlySet<string> };

const NONE: IncludeFields = { all: false, tags: new Set() };

/** Resolves includefield keywords and tags (PS3.18 §8.3.4.3) to upper-case 8-digit tags. */
export function resolveIncludeFields(items: readonly string[] | undefined): IncludeFields {
  if (!items?.length) return NONE;
  if (items.some((item) => item.toLowerCase() === 'all')) return { all: true };
  const tags = new Set<string>();
  for (const item of items) {
    if (/^[0-9A-Fa-f]{8}$/.test(item)) {
      tags.add(item.toUpperCase());
      continue;
    }
    const entry = dicomDictionary().nameMap[item];
    if (!entry) {
      throw new InvalidInputError(`includefield names an unknown attribute: ${item}`, [
        { path: 'includefield', message: 'not a DICOM keyword or tag' },
      ]);
    }
    tags.add(entry.tag.replace(/[(),]/g, '').toUpperCase());
  }
  return { all: false, tags };
}

/**
 * Series-level attributes (PS3.4 C.6.1.1.4 and the General Series module) that `all` adds to a series
 * result; instance-level values of the series' first instance would mislead there.
 */
export const SERIES_LEVEL_TAGS: ReadonlySet<string> = new Set([
  '00080021', // SeriesDate
  '00080031', // SeriesTime
  '0008103E', // SeriesDescription
  '00180015', // BodyPartExamined
  '00181030', // ProtocolName
  '00200060', // Laterality
  '00400244', // PerformedProcedureStepStartDate
  '00400245', // PerformedProcedureStepStartTime
]);

/** A series-level view of the fields: `all` means the series-level attributes, not the instance's. */
export const atSeriesLevel = (fields: IncludeFields): IncludeFields =>
  fields.all ? { all: false, tags: SERIES_LEVEL_TAGS } : fields;

/** True when the request asks for attributes beyond those a level always returns. */
export function asksBeyond(fields: IncludeFields, defaults: Readonly<Record<string, unknown>>): boolean {
  return fields.all || [...fields.tags].some((tag) => !(tag in defaults));
}

/**
 * Adds the requested attributes of a stored DICOM JSON document to a result. Bulk data (BulkDataURI) is
 * left out of search results; the default attributes always win.
 */
export function withIncludedFields<T extends Record<string, unknown>>(
  result: T,
  fields: IncludeFields,
  stored: Readonly<Record<string, { BulkDataURI?: string } & Record<string, unknown>>> | null,
): T {
  if (!stored) return result;
  const extra: Record<string, unknown> = {};
  for (const [tag, attribute] of Object.entries(stored)) {
    if (tag in result || attribute.BulkDataURI !== undefined) continue;
    if (fields.all || fields.tags.has(tag)) extra[tag] = attribute;
  }
  return Object.fromEntries(
    Object.entries({ ...result, ...extra }).sort(([a], [b]) => a.localeCompare(b)),
  ) as T;
}
