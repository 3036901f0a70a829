import { EXPORT_RETENTION_DAYS } from '#schemas/exports/exports';
import type { ExportDataset } from './ports';

/** The README at the root of every part: what the archive holds and how to check it. */
export function archiveReadme(input: {
  exportId: string;
  part: number;
  createdAt: string;
  datasets: readonly ExportDataset[];
  maxRenderedFrames: number;
  /** A study archive: that study's DICOM files only, no renderings or spreadsheets. */
  studyArchive?: boolean;
}): string {
  if (input.studyArchive) return studyArchiveReadme(input);
  const sheets = input.datasets.map(
    (dataset) => `- \`spreadsheets/${dataset.name}.xlsx\` and \`.csv\` — ${dataset.description}`,
  );
  return [
    '# PACScribe export',
    '',
    `Export ${input.exportId}, requested ${input.createdAt}. This is part ${input.part}; each part is a`,
    'complete ZIP archive on its own. Together the parts hold everything your organization keeps in',
    'PACScribe: every DICOM file, a rendered image of each frame, and your related information as',
    'spreadsheets.',
    '',
    '## Layout',
    '',
    '- `imaging/P00001 <patient name> (<patient ID>)/S000001 <study date> <study description>/SE001 <modality> <series number>/`',
    '  - `IM00001.dcm` — the DICOM file (Part 10) as the study reads now: data set unchanged, with your',
    '    edits to patient and study attributes applied.',
    '  - `IM00001.original.dcm` — for edited studies only: the file exactly as it was stored.',
    `  - \`IM00001.png\` (or \`IM00001-frame0001.png\` … for multi-frame files, the first ${input.maxRenderedFrames} frames) —`,
    '    the image rendered with the window stored in the file. Files without an image (reports, key',
    '    objects) have no PNG; images that could not be rendered are listed in `manifest.json` under',
    '    `notRendered`, and their DICOM file is always present.',
    '- `spreadsheets/` (in part 1) — each table as Excel workbook (`.xlsx`) and as UTF-8 CSV with a byte',
    '  order mark. Times are UTC. Cells that begin with = + - @ are prefixed with an apostrophe so no',
    '  spreadsheet runs them as formulas.',
    ...sheets.map((line) => `  ${line}`),
    '- `manifest.json` — the size and SHA-256 of every file in this part, and the SOP Instance UID of',
    '  each DICOM file and rendering.',
    '',
    '## Checking the archive',
    '',
    'The export status in PACScribe shows the SHA-256 of each part: compare it with',
    '`sha256sum pacscribe-export-…-part001.zip`. Inside a part, every file listed in `manifest.json` can',
    'be checked the same way.',
    '',
    `Parts are deleted from PACScribe ${EXPORT_RETENTION_DAYS} days after the export finished; start a new`,
    'export at any time.',
    '',
  ].join('\n');
}

function studyArchiveReadme(input: { exportId: string; part: number; createdAt: string }): string {
  return [
    '# PACScribe study archive',
    '',
    `Archive ${input.exportId}, requested ${input.createdAt}. This is part ${input.part}; each part is a`,
    "complete ZIP archive on its own. Together the parts hold one study's DICOM files.",
    '',
    '## Layout',
    '',
    '- `imaging/P00001 <patient name> (<patient ID>)/S000001 <study date> <study description>/SE001 <modality> <series number>/`',
    '  - `IM00001.dcm` — the DICOM file (Part 10) as the study reads now, with your edits applied.',
    '  - `IM00001.original.dcm` — for an edited study only: the file exactly as it was stored.',
    '- `manifest.json` — the size and SHA-256 of every file in this part, and the SOP Instance UID of',
    '  each DICOM file.',
    '',
    '## Checking the archive',
    '',
    "Compare the part's SHA-256 shown in PACScribe with `sha256sum`; inside a part, every file listed in",
    '`manifest.json` can be checked the same way.',
    '',
    `Parts are deleted from PACScribe ${EXPORT_RETENTION_DAYS} days after the archive was prepared.`,
    '',
  ].join('\n');
}
