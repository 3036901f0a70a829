import { IdSchema } from '#schemas/accounts/entities';
import {
  ExportDownloadSchema,
  ExportListSchema,
  ExportResponseSchema,
  PartNumberSchema,
} from '#schemas/exports/exports';
import { DicomUidSchema } from '#schemas/imaging/dicom-uid';
import { defineRoute, type PathParameter } from '../shared/http/route';

const exportIdParameter: PathParameter = {
  schema: IdSchema,
  malformed: 'not-found',
  description: 'An export of your organization.',
};
const archiveIdParameter: PathParameter = {
  schema: IdSchema,
  malformed: 'not-found',
  description: 'A study archive you asked for.',
};
const studyParameter: PathParameter = {
  schema: DicomUidSchema,
  malformed: 'invalid',
  description: 'StudyInstanceUID.',
};
const partParameter: PathParameter = {
  schema: PartNumberSchema,
  malformed: 'not-found',
  description: "The part's number, from 1.",
};

/**
 * "Your data belongs to you" [PP-14, PP-15]: a member holding `export` takes everything the organization
 * keeps — every DICOM file, rendered images, and its records as spreadsheets — as verifiable ZIP parts,
 * built by a Step Functions workflow. Support staff never reach these routes [PP-08].
 */
export const exportsRoutes = {
  requestExport: defineRoute('exports', 'requestExport', {
    method: 'POST',
    path: '/v1/exports',
    handler: 'exports/handlers/request-export',
    pathParameters: {},
    summary:
      'Export the whole organization: every DICOM file (as it reads now, edited studies with their stored originals), a PNG of every frame (up to a cap per multi-frame file), and spreadsheets (XLSX and CSV) of patients, studies, series, instances, edits, reports, users, the audit log, shares, support, billing and preferences, with a manifest of SHA-256 hashes. While one runs, this returns it instead of starting another. The requester is mailed when it is ready.',
    access: { kind: 'action', action: 'export' },
    audit: 'export-requested',
    bindings: ['exports-table:write', 'export-workflow:start'],
    responses: {
      202: { description: 'Started: poll the export for its progress.', schema: ExportResponseSchema },
      200: { description: 'An export is already running: that one.', schema: ExportResponseSchema },
    },
  }),
  listExports: defineRoute('exports', 'listExports', {
    method: 'GET',
    path: '/v1/exports',
    handler: 'exports/handlers/list-exports',
    pathParameters: {},
    summary: "The organization's exports, newest first (the last 50).",
    access: { kind: 'action', action: 'export' },
    audit: 'exports-read',
    bindings: ['exports-table:read'],
    responses: { 200: { description: 'The exports.', schema: ExportListSchema } },
  }),
  getExport: defineRoute('exports', 'getExport', {
    method: 'GET',
    path: '/v1/exports/{exportId}',
    handler: 'exports/handlers/get-export',
    pathParameters: { exportId: exportIdParameter },
    auditedParameters: { exportId: 'export' },
    summary:
      'An export: its status (running, succeeded, failed, cancelled), progress (items and bytes done of total) and, once it succeeded, one download link per part with its size and SHA-256.',
    access: { kind: 'action', action: 'export' },
    audit: 'exports-read',
    bindings: ['exports-table:read'],
    responses: {
      200: { description: 'The export.', schema: ExportResponseSchema },
      404: { description: 'No such export in your organization.' },
    },
  }),
  cancelExport: defineRoute('exports', 'cancelExport', {
    method: 'DELETE',
    path: '/v1/exports/{exportId}',
    handler: 'exports/handlers/cancel-export',
    pathParameters: { exportId: exportIdParameter },
    auditedParameters: { exportId: 'export' },
    summary:
      'Cancel a running export: it stops, and every part it wrote is deleted. An export that already ended is returned as it is.',
    access: { kind: 'action', action: 'export' },
    audit: 'export-cancelled',
    bindings: ['exports-table:write', 'exports-store:discard', 'export-workflow:start'],
    responses: {
      200: { description: 'The export, cancelled (or as it ended).', schema: ExportResponseSchema },
      404: { description: 'No such export in your organization.' },
    },
  }),
  downloadExportPart: defineRoute('exports', 'downloadExportPart', {
    method: 'GET',
    path: '/v1/exports/{exportId}/parts/{part}',
    handler: 'exports/handlers/download-export-part',
    pathParameters: { exportId: exportIdParameter, part: partParameter },
    auditedParameters: { exportId: 'export' },
    summary:
      "Download one part: recorded as a DICOM Export, then redirected (303) to a presigned URL of the exports bucket that lives 60 seconds, so the archive comes from S3 at S3's speed. With `Accept: application/json` the URL is returned instead (browsers, which cannot read a redirect's target).",
    access: { kind: 'action', action: 'export' },
    audit: 'export-downloaded',
    bindings: ['exports-table:read', 'exports-store:read'],
    responses: {
      303: { description: 'To the part in the exports bucket.' },
      200: { description: 'The short-lived URL of the part.', schema: ExportDownloadSchema },
      404: { description: 'No such part: the export is unknown, not finished, or expired.' },
    },
  }),
  requestStudyArchive: defineRoute('exports', 'requestStudyArchive', {
    method: 'POST',
    path: '/v1/studies/{study}/archive',
    handler: 'exports/handlers/request-study-archive',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      "Prepare one study as ZIP parts of its DICOM files (as the study reads now, an edited study with its stored originals): the download for a study too large to stream through the API (over 180 MiB), served from S3 at S3's speed. Needs `view`, as retrieving the study does. One runs at a time per member: while one runs, this returns it.",
    access: { kind: 'action', action: 'view' },
    audit: 'export-requested',
    bindings: ['exports-table:write', 'export-workflow:start', 'imaging-index:read'],
    responses: {
      202: { description: 'Started: poll the archive for its progress.', schema: ExportResponseSchema },
      200: { description: 'One of yours is already being prepared: that one.', schema: ExportResponseSchema },
      404: { description: 'No such study in your organization.' },
    },
  }),
  getStudyArchive: defineRoute('exports', 'getStudyArchive', {
    method: 'GET',
    path: '/v1/study-archives/{archiveId}',
    handler: 'exports/handlers/get-study-archive',
    pathParameters: { archiveId: archiveIdParameter },
    auditedParameters: { archiveId: 'export' },
    summary:
      "A study archive you asked for: its status, progress and, once prepared, one download link per part with its size and SHA-256. Anyone else's archive answers 404.",
    access: { kind: 'action', action: 'view' },
    audit: 'exports-read',
    bindings: ['exports-table:read'],
    responses: {
      200: { description: 'The archive.', schema: ExportResponseSchema },
      404: { description: 'No such archive of yours.' },
    },
  }),
  downloadStudyArchivePart: defineRoute('exports', 'downloadStudyArchivePart', {
    method: 'GET',
    path: '/v1/study-archives/{archiveId}/parts/{part}',
    handler: 'exports/handlers/download-study-archive-part',
    pathParameters: { archiveId: archiveIdParameter, part: partParameter },
    auditedParameters: { archiveId: 'export' },
    summary:
      'Download one part of your study archive: recorded as a DICOM Export, then redirected (303) to a presigned URL of the exports bucket that lives 60 seconds. With `Accept: application/json` the URL is returned instead.',
    access: { kind: 'action', action: 'view' },
    audit: 'export-downloaded',
    bindings: ['exports-table:read', 'exports-store:read'],
    responses: {
      303: { description: 'To the part in the exports bucket.' },
      200: { description: 'The short-lived URL of the part.', schema: ExportDownloadSchema },
      404: { description: 'No such part: the archive is unknown, not yours, not ready, or expired.' },
    },
  }),
} as const;
