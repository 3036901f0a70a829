import { DeletedStudiesSchema, RestoredStudySchema } from '#schemas/imaging/deleted-studies';
import { DicomUidSchema } from '#schemas/imaging/dicom-uid';
import { PutReportBodySchema, ReportSchema, ReportVersionsSchema } from '#schemas/imaging/reports';
import {
  EditAttributesBodySchema,
  RevertBodySchema,
  StudyEditResultSchema,
  StudyVersionsSchema,
  VersionPathSchema,
} from '#schemas/imaging/study-edits';
import { defineRoute, type PathParameter } from '../shared/http/route';

const uid = (description: string): PathParameter => ({
  schema: DicomUidSchema,
  malformed: 'invalid',
  description,
});
const studyParameter = uid('StudyInstanceUID.');
const seriesParameter = uid('SeriesInstanceUID.');
const instanceParameter = uid('SOPInstanceUID.');
const versionParameter: PathParameter = {
  schema: VersionPathSchema,
  malformed: 'not-found',
  description: 'A version number of the study (0: as stored).',
};

const EDIT_REQUEST = { body: EditAttributesBodySchema, maxBodyBytes: 16 * 1024 } as const;
const EDIT_RESPONSES = {
  200: {
    description: 'The new version, or null when nothing would change (no version is added).',
    schema: StudyEditResultSchema,
  },
  400: {
    description:
      'Nothing changed: a keyword that is unknown or not editable here (attribute_not_editable), a UID (uid_not_editable), or a value that does not fit its VR or length (invalid_attribute_value).',
  },
  404: { description: 'No such study (or series).' },
  409: { description: 'Other edits kept winning the race; nothing of this one was written.' },
} as const;

const DELETE_SUMMARY =
  'Removes it from search and retrieval at once; restorable from /v1/deleted-studies until the retention period ends, then purged in both regions.';

/**
 * Curating the archive: versioned attribute edits, radiology reports and recoverable deletes. Spread into
 * imagingRoutes (routes.ts), so the context still declares every route in one table.
 */
export const curationRoutes = {
  editStudy: defineRoute('imaging', 'editStudy', {
    method: 'PATCH',
    path: '/v1/studies/{study}',
    handler: 'imaging/handlers/edit-study',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      'Edit patient and study attributes as a new version; search, metadata and retrieved files show it at once, the stored originals stay.',
    access: { kind: 'action', action: 'edit' },
    audit: 'study-edited',
    subscriptionGated: true,
    bindings: ['imaging-index:write'],
    request: EDIT_REQUEST,
    responses: EDIT_RESPONSES,
  }),
  editSeries: defineRoute('imaging', 'editSeries', {
    method: 'PATCH',
    path: '/v1/studies/{study}/series/{series}',
    handler: 'imaging/handlers/edit-series',
    pathParameters: { study: studyParameter, series: seriesParameter },
    auditedParameters: { study: 'study', series: 'series' },
    summary: "Edit one series' attributes as a new version of its study.",
    access: { kind: 'action', action: 'edit' },
    audit: 'study-edited',
    subscriptionGated: true,
    bindings: ['imaging-index:write'],
    request: EDIT_REQUEST,
    responses: EDIT_RESPONSES,
  }),
  listStudyVersions: defineRoute('imaging', 'listStudyVersions', {
    method: 'GET',
    path: '/v1/studies/{study}/versions',
    handler: 'imaging/handlers/list-study-versions',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      "A study's versions: 0 as stored, then each edit and revert with who, when, why, before and after.",
    access: { kind: 'action', action: 'view' },
    audit: 'study-versions-read',
    bindings: ['imaging-index:read'],
    responses: {
      200: { description: 'Oldest first.', schema: StudyVersionsSchema },
      404: { description: 'No such study.' },
    },
  }),
  revertStudy: defineRoute('imaging', 'revertStudy', {
    method: 'POST',
    path: '/v1/studies/{study}/versions/{version}/revert',
    handler: 'imaging/handlers/revert-study',
    pathParameters: { study: studyParameter, version: versionParameter },
    auditedParameters: { study: 'study' },
    summary: 'Restore the attributes of an earlier version (0: as stored), as a new version.',
    access: { kind: 'action', action: 'edit' },
    audit: 'study-reverted',
    subscriptionGated: true,
    bindings: ['imaging-index:write'],
    request: { body: RevertBodySchema, maxBodyBytes: 4 * 1024 },
    responses: {
      200: {
        description: 'The new version, or null when the attributes already read so.',
        schema: StudyEditResultSchema,
      },
      404: { description: 'No such study, or no such version of it.' },
      409: { description: 'Other edits kept winning the race; nothing was written.' },
    },
  }),
  putReport: defineRoute('imaging', 'putReport', {
    method: 'PUT',
    path: '/v1/studies/{study}/report',
    handler: 'imaging/handlers/put-report',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      "Write the study's radiology report (draft or final). Every write is a new version; a final report is only amended, with a reason.",
    access: { kind: 'action', action: 'write-reports' },
    audit: 'report-written',
    subscriptionGated: true,
    bindings: ['imaging-index:write'],
    request: { body: PutReportBodySchema, maxBodyBytes: 160 * 1024 },
    responses: {
      200: { description: 'The report as written.', schema: ReportSchema },
      400: { description: 'Amending a final report needs a reason.' },
      404: { description: 'No such study.' },
      409: { description: 'A final report cannot go back to draft.' },
    },
  }),
  getReport: defineRoute('imaging', 'getReport', {
    method: 'GET',
    path: '/v1/studies/{study}/report',
    handler: 'imaging/handlers/get-report',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary: "The study's current radiology report.",
    access: { kind: 'action', action: 'view' },
    audit: 'report-read',
    bindings: ['imaging-index:read'],
    responses: {
      200: { description: 'The current version.', schema: ReportSchema },
      404: { description: 'No such study, or no report yet.' },
    },
  }),
  listReportVersions: defineRoute('imaging', 'listReportVersions', {
    method: 'GET',
    path: '/v1/studies/{study}/report/versions',
    handler: 'imaging/handlers/list-report-versions',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary: "Every version of the study's report, oldest first (drafts, finalization, amendments).",
    access: { kind: 'action', action: 'view' },
    audit: 'report-read',
    bindings: ['imaging-index:read'],
    responses: {
      200: { description: 'Oldest first.', schema: ReportVersionsSchema },
      404: { description: 'No such study, or no report yet.' },
    },
  }),
  deleteSeries: defineRoute('imaging', 'deleteSeries', {
    method: 'DELETE',
    path: '/dicomweb/studies/{study}/series/{series}',
    handler: 'imaging/handlers/delete-series',
    pathParameters: { study: studyParameter, series: seriesParameter },
    auditedParameters: { study: 'study', series: 'series' },
    summary: `Deletes a series. ${DELETE_SUMMARY}`,
    access: { kind: 'action', action: 'delete' },
    audit: 'instances-deleted',
    subscriptionGated: true,
    bindings: ['imaging-index:curate'],
    responses: {
      204: { description: 'The series is deleted (recoverably).' },
      404: { description: 'No such series.' },
    },
  }),
  deleteInstance: defineRoute('imaging', 'deleteInstance', {
    method: 'DELETE',
    path: '/dicomweb/studies/{study}/series/{series}/instances/{instance}',
    handler: 'imaging/handlers/delete-instance',
    pathParameters: { study: studyParameter, series: seriesParameter, instance: instanceParameter },
    auditedParameters: { study: 'study', series: 'series', instance: 'instance' },
    summary: `Deletes an instance. ${DELETE_SUMMARY}`,
    access: { kind: 'action', action: 'delete' },
    audit: 'instances-deleted',
    subscriptionGated: true,
    bindings: ['imaging-index:curate'],
    responses: {
      204: { description: 'The instance is deleted (recoverably).' },
      404: { description: 'No such instance.' },
    },
  }),
  listDeletedStudies: defineRoute('imaging', 'listDeletedStudies', {
    method: 'GET',
    path: '/v1/deleted-studies',
    handler: 'imaging/handlers/list-deleted-studies',
    pathParameters: {},
    summary:
      'Deleted studies, series and instances that can still be restored, and when each will be purged.',
    access: { kind: 'action', action: 'delete' },
    audit: 'deleted-studies-listed',
    bindings: ['imaging-index:read'],
    responses: { 200: { description: 'Newest deletion first.', schema: DeletedStudiesSchema } },
  }),
  restoreDeletedStudy: defineRoute('imaging', 'restoreDeletedStudy', {
    method: 'POST',
    path: '/v1/deleted-studies/{study}/restore',
    handler: 'imaging/handlers/restore-deleted-study',
    pathParameters: { study: studyParameter },
    auditedParameters: { study: 'study' },
    summary:
      'Restores everything deleted of a study (the study, or its series and instances) that is not yet purged.',
    access: { kind: 'action', action: 'delete' },
    audit: 'study-restored',
    bindings: ['imaging-index:curate'],
    responses: {
      200: { description: 'Restored: back in search and retrieval.', schema: RestoredStudySchema },
      404: { description: 'Nothing of this study is deleted (or it was already purged).' },
    },
  }),
};
