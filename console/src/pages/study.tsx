import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type KeyboardEvent, useState } from 'react';
import { Button, Dialog, DialogTrigger, Form, Heading, Modal } from 'react-aria-components';
import { Link, useLocation } from 'wouter';
import type { ExportView } from '../../../schemas/exports/exports';
import type { StudyVersionView } from '../../../schemas/imaging/study-edits';
import { ApiError } from '../api/errors';
import { useSession } from '../app-context';
import { AuthorizedImage } from '../components/authorized-image';
import { Choice, Field } from '../components/fields';
import { Empty, ErrorMessage, formatTime, Loading, Notice, PageTitle } from '../components/status';
import { type DicomJson, dicomDate, integer, TAGS, text } from '../dicom-json';

interface Report {
  version: number;
  status: 'draft' | 'final';
  amended: boolean;
  text: string;
  author: { userId: string; role: string };
  at: string;
  reason: string | null;
}

const EDITABLE = [
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'AccessionNumber',
  'StudyDescription',
  'StudyDate',
  'ReferringPhysicianName',
] as const;

async function qido(api: ReturnType<typeof useSession>['api'], path: string, query?: Record<string, string>) {
  const response = await api.raw('GET', path, { headers: { accept: 'application/dicom+json' }, query });
  return response.status === 204 ? [] : ((await response.json()) as DicomJson[]);
}

function Viewer({ study, series }: { study: string; series: string }) {
  const { api } = useSession();
  const [index, setIndex] = useState(0);
  const instances = useQuery({
    queryKey: ['instances', study, series],
    queryFn: async () =>
      (await qido(api, `/dicomweb/studies/${study}/series/${series}/instances`)).sort(
        (a, b) => (integer(a, TAGS.InstanceNumber) ?? 0) - (integer(b, TAGS.InstanceNumber) ?? 0),
      ),
  });
  if (instances.isPending) return <Loading what="images" />;
  if (instances.isError) return <ErrorMessage error={instances.error} />;
  const list = instances.data;
  if (list.length === 0) return <Empty>This series has no images.</Empty>;
  const current = list[Math.min(index, list.length - 1)] as DicomJson;
  const uid = text(current, TAGS.SOPInstanceUID);
  const move = (step: number) => setIndex((value) => Math.min(list.length - 1, Math.max(0, value + step)));
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowRight' || event.key === 'PageDown') move(1);
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft' || event.key === 'PageUp') move(-1);
    else return;
    event.preventDefault();
  };
  return (
    // Arrow keys (while a viewer button has focus) and the wheel scroll through the series.
    <section className="viewer" aria-label="Image viewer" onKeyDown={onKeyDown}>
      <div className="viewport" onWheel={(event) => move(event.deltaY > 0 ? 1 : -1)}>
        <AuthorizedImage
          className="frame"
          path={`/dicomweb/studies/${study}/series/${series}/instances/${uid}/rendered`}
          alt={`Image ${integer(current, TAGS.InstanceNumber) ?? index + 1} of the series`}
        />
      </div>
      <div className="viewer-controls">
        <Button className="secondary" onPress={() => move(-1)} isDisabled={index === 0}>
          Previous image
        </Button>
        <span aria-live="polite">
          Image {index + 1} of {list.length}
        </span>
        <Button className="secondary" onPress={() => move(1)} isDisabled={index >= list.length - 1}>
          Next image
        </Button>
      </div>
    </section>
  );
}

function ReportSection({ study }: { study: string }) {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const report = useQuery({
    queryKey: ['report', study],
    queryFn: async () => {
      try {
        return await api.get<Report>(`/v1/studies/${study}/report`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
  const [draft, setDraft] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const save = useMutation({
    mutationFn: (status: 'draft' | 'final') =>
      api.put<Report>(`/v1/studies/${study}/report`, {
        text: draft ?? report.data?.text ?? '',
        status,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      }),
    onSuccess: () => {
      setDraft(null);
      setReason('');
      return queryClient.invalidateQueries({ queryKey: ['report', study] });
    },
  });
  const amending = report.data?.status === 'final';
  return (
    <section aria-labelledby="report-heading" className="panel">
      <h2 id="report-heading">Report</h2>
      {report.isPending ? <Loading what="the report" /> : null}
      <ErrorMessage error={report.error} />
      {report.data === null ? <Empty>No report has been written for this study.</Empty> : null}
      {report.data ? (
        <>
          <p className="meta">
            Version {report.data.version}, {report.data.status}
            {report.data.amended ? ' (amended)' : ''}, by a {report.data.author.role},{' '}
            {formatTime(report.data.at)}
          </p>
          <pre className="report-text">{report.data.text}</pre>
        </>
      ) : null}
      {can('write-reports') && report.data !== undefined ? (
        <Form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate('final');
          }}
        >
          <Field
            label={report.data ? 'Revise the report' : 'Write the report'}
            name="report"
            multiline
            value={draft ?? report.data?.text ?? ''}
            onChange={setDraft}
          />
          {amending ? (
            <Field
              label="Reason for the amendment"
              name="reason"
              value={reason}
              onChange={setReason}
              isRequired
              description="A signed report is amended, never overwritten; the reason is kept with the new version."
            />
          ) : null}
          <div className="actions">
            {!amending ? (
              <Button className="secondary" onPress={() => save.mutate('draft')} isDisabled={save.isPending}>
                Save draft
              </Button>
            ) : null}
            <Button type="submit" isDisabled={save.isPending}>
              {amending ? 'Sign amendment' : 'Sign report'}
            </Button>
          </div>
          <ErrorMessage error={save.error} />
          {save.isSuccess ? <Notice>Report saved.</Notice> : null}
        </Form>
      ) : null}
    </section>
  );
}

function HistorySection({ study }: { study: string }) {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const versions = useQuery({
    queryKey: ['versions', study],
    queryFn: () =>
      api.get<{ currentVersion: number; versions: StudyVersionView[] }>(`/v1/studies/${study}/versions`),
  });
  const [keyword, setKeyword] = useState<(typeof EDITABLE)[number]>('StudyDescription');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['versions', study] }),
      queryClient.invalidateQueries({ queryKey: ['study', study] }),
    ]);
  const edit = useMutation({
    mutationFn: () =>
      api.patch(`/v1/studies/${study}`, { changes: { [keyword]: value.trim() || null }, reason }),
    onSuccess: () => {
      setValue('');
      setReason('');
      return refresh();
    },
  });
  const revert = useMutation({
    mutationFn: (version: number) =>
      api.post(`/v1/studies/${study}/versions/${version}/revert`, {
        reason: `Reverted to version ${version}`,
      }),
    onSuccess: refresh,
  });
  return (
    <section aria-labelledby="history-heading" className="panel">
      <h2 id="history-heading">Edit history</h2>
      {versions.isPending ? <Loading what="the history" /> : null}
      <ErrorMessage error={versions.error ?? revert.error} />
      {versions.data ? (
        <ol className="history">
          {versions.data.versions.map((version) => (
            <li key={version.version}>
              <strong>Version {version.version}</strong> · {version.kind}
              {version.version === versions.data.currentVersion ? ' (current)' : ''} ·{' '}
              {formatTime(version.at)}
              {version.reason ? ` · “${version.reason}”` : ''}
              {version.changes.length > 0 ? (
                <ul>
                  {version.changes.map((change) => (
                    <li key={`${change.series ?? ''}-${change.tag}`}>
                      {change.keyword}: {String(change.before ?? '—')} → {String(change.after ?? '—')}
                    </li>
                  ))}
                </ul>
              ) : null}
              {can('edit') && version.version !== versions.data.currentVersion ? (
                <Button className="link-button" onPress={() => revert.mutate(version.version)}>
                  Revert to version {version.version}
                </Button>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      {can('edit') ? (
        <Form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            edit.mutate();
          }}
        >
          <h3>Correct an attribute</h3>
          <Choice
            label="Attribute"
            value={keyword}
            options={EDITABLE.map((id) => ({ id, label: id }))}
            onChange={setKeyword}
          />
          <Field
            label="New value"
            name="value"
            value={value}
            onChange={setValue}
            description="Leave empty to clear it."
          />
          <Field label="Reason" name="edit-reason" value={reason} onChange={setReason} isRequired />
          <Button type="submit" isDisabled={edit.isPending}>
            Save correction
          </Button>
          <ErrorMessage error={edit.error} />
        </Form>
      ) : null}
    </section>
  );
}

function StudyActions({ study }: { study: string }) {
  const { api, can } = useSession();
  const [, navigate] = useLocation();
  const remove = useMutation({
    mutationFn: () => api.raw('DELETE', `/dicomweb/studies/${study}`),
    onSuccess: () => navigate('/studies'),
  });
  const archive = useMutation({
    mutationFn: () => api.post<{ export: ExportView }>(`/v1/studies/${study}/archive`),
  });
  return (
    <div className="actions">
      <Button className="secondary" onPress={() => archive.mutate()} isDisabled={archive.isPending}>
        Prepare a download of this study
      </Button>
      {can('share') ? <Link href={`/shares/${study}`}>Share this study</Link> : null}
      {can('delete') ? (
        <DialogTrigger>
          <Button className="danger">Delete study</Button>
          <Modal className="modal" isDismissable>
            <Dialog role="alertdialog" className="dialog">
              {({ close }) => (
                <>
                  <Heading slot="title">Delete this study?</Heading>
                  <p>It can be restored for the retention period, then it is purged in every region.</p>
                  <div className="actions">
                    <Button className="secondary" onPress={close}>
                      Keep it
                    </Button>
                    <Button className="danger" onPress={() => remove.mutate()} isDisabled={remove.isPending}>
                      Delete
                    </Button>
                  </div>
                  <ErrorMessage error={remove.error} />
                </>
              )}
            </Dialog>
          </Modal>
        </DialogTrigger>
      ) : null}
      <ErrorMessage error={archive.error} />
      {archive.data ? <StudyArchiveStatus archiveId={archive.data.export.exportId} /> : null}
    </div>
  );
}

/** A study archive is prepared in the background; the page polls until its parts can be downloaded. */
function StudyArchiveStatus({ archiveId }: { archiveId: string }) {
  const { api } = useSession();
  const status = useQuery({
    queryKey: ['study-archive', archiveId],
    queryFn: () => api.get<{ export: ExportView }>(`/v1/study-archives/${archiveId}`),
    refetchInterval: (query) => (query.state.data?.export.status === 'running' ? 2000 : false),
  });
  const download = useMutation({
    mutationFn: async (part: number) => {
      const link = await api.get<{ url: string }>(`/v1/study-archives/${archiveId}/parts/${part}`);
      window.location.assign(link.url);
    },
  });
  const view = status.data?.export;
  if (!view) return <Loading what="the download" />;
  if (view.status === 'running')
    return (
      <Notice>
        Preparing the download… {view.progress.itemsDone} of {view.progress.itemsTotal} files.
      </Notice>
    );
  if (view.status !== 'succeeded') return <p className="error">The download could not be prepared.</p>;
  return (
    <ul>
      {view.parts.map((part) => (
        <li key={part.part}>
          <Button className="link-button" onPress={() => download.mutate(part.part)}>
            Download part {part.part} (ZIP)
          </Button>
        </li>
      ))}
    </ul>
  );
}

export function StudyPage({ study }: { study: string }) {
  const { api } = useSession();
  const summary = useQuery({
    queryKey: ['study', study],
    queryFn: async () => (await qido(api, '/dicomweb/studies', { StudyInstanceUID: study }))[0] ?? null,
  });
  const series = useQuery({
    queryKey: ['series', study],
    queryFn: async () =>
      (await qido(api, `/dicomweb/studies/${study}/series`)).sort(
        (a, b) => (integer(a, TAGS.SeriesNumber) ?? 0) - (integer(b, TAGS.SeriesNumber) ?? 0),
      ),
  });
  const [selected, setSelected] = useState<string | null>(null);
  if (summary.isPending) return <Loading what="the study" />;
  if (summary.isError) return <ErrorMessage error={summary.error} />;
  if (!summary.data)
    return (
      <>
        <PageTitle>Study not found</PageTitle>
        <p>It does not exist, was deleted, or is not in your organization.</p>
      </>
    );
  const current = selected ?? (series.data?.[0] ? text(series.data[0], TAGS.SeriesInstanceUID) : null);
  return (
    <>
      <PageTitle
        description={`${text(summary.data, TAGS.PatientID)} · ${dicomDate(text(summary.data, TAGS.StudyDate))} · ${text(summary.data, TAGS.StudyDescription)}`}
      >
        {text(summary.data, TAGS.PatientName) || '(no name)'}
      </PageTitle>
      <StudyActions study={study} />
      <section aria-labelledby="series-heading" className="panel">
        <h2 id="series-heading">Series</h2>
        {series.isPending ? <Loading what="series" /> : null}
        <ErrorMessage error={series.error} />
        <ul className="series-list">
          {(series.data ?? []).map((item) => {
            const uid = text(item, TAGS.SeriesInstanceUID);
            const label =
              `${text(item, TAGS.Modality)} ${text(item, TAGS.SeriesNumber)} ${text(item, TAGS.SeriesDescription)}`.trim();
            return (
              <li key={uid}>
                <Button
                  className={uid === current ? 'series selected' : 'series'}
                  aria-pressed={uid === current}
                  onPress={() => setSelected(uid)}
                >
                  <AuthorizedImage
                    className="thumbnail"
                    path={`/dicomweb/studies/${study}/series/${uid}/thumbnail`}
                    alt=""
                  />
                  <span>
                    {label || 'Series'} · {integer(item, TAGS.NumberOfSeriesRelatedInstances) ?? '?'} images
                  </span>
                </Button>
              </li>
            );
          })}
        </ul>
        {current ? <Viewer key={current} study={study} series={current} /> : null}
      </section>
      <ReportSection study={study} />
      <HistorySection study={study} />
    </>
  );
}
