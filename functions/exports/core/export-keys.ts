/**
 * Keys in the exports bucket, all server-generated from the export id: the parts customers download,
 * and the workflow's working objects (the plan), which hold UIDs and names and so never go into state.
 */
export const PARTS_PREFIX = 'exports/';
export const WORK_PREFIX = 'work/';

export function exportKeys(exportId: string) {
  return {
    part: (part: number) => `${PARTS_PREFIX}${exportId}/part-${String(part).padStart(3, '0')}.zip`,
    studyOrder: `${WORK_PREFIX}${exportId}/study-order.json`,
    planChunk: (chunk: number) => `${WORK_PREFIX}${exportId}/plan-${String(chunk).padStart(6, '0')}.json`,
  };
}

/** Every working object of an export whose plan has `planChunks` chunks. */
export function workKeys(exportId: string, planChunks: number): string[] {
  const keys = exportKeys(exportId);
  return [keys.studyOrder, ...Array.from({ length: planChunks }, (_, chunk) => keys.planChunk(chunk))];
}
