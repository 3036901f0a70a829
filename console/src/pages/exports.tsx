import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { Link } from 'wouter';
import type { ExportView } from '../../../schemas/exports/exports';
import { useSession } from '../app-context';
import { Empty, ErrorMessage, formatBytes, formatTime, Loading, PageTitle } from '../components/status';

function ExportDetail({ view }: { view: ExportView }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const download = useMutation({
    mutationFn: async (part: number) => {
      const link = await api.get<{ url: string }>(`/v1/exports/${view.exportId}/parts/${part}`);
      window.location.assign(link.url);
    },
  });
  const cancel = useMutation({
    mutationFn: () => api.delete(`/v1/exports/${view.exportId}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['exports'] }),
  });
  const { progress } = view;
  return (
    <section className="panel" aria-labelledby={`export-${view.exportId}`}>
      <h2 id={`export-${view.exportId}`}>Export of {formatTime(view.createdAt)}</h2>
      <p>
        Status: <strong>{view.status}</strong>
        {view.status === 'running'
          ? ` · ${progress.itemsDone} of ${progress.itemsTotal} items, ${formatBytes(progress.bytesDone)}`
          : ''}
        {view.failure ? ` · ${view.failure}` : ''}
      </p>
      {view.status === 'running' ? (
        <>
          <progress
            max={Math.max(1, progress.itemsTotal)}
            value={progress.itemsDone}
            aria-label="Export progress"
          />
          <Button className="secondary" onPress={() => cancel.mutate()}>
            Cancel export
          </Button>
        </>
      ) : null}
      {view.status === 'succeeded' ? (
        <>
          <p>
            Each part is a ZIP with spreadsheets (CSV and XLSX) of every record and the images as DICOM files;
            download links expire {formatTime(view.expiresAt)}.
          </p>
          <ul>
            {view.parts.map((part) => (
              <li key={part.part}>
                <Button className="link-button" onPress={() => download.mutate(part.part)}>
                  Download part {part.part}
                </Button>{' '}
                ({formatBytes(part.sizeBytes)}, {part.files} files, SHA-256{' '}
                <code>{part.sha256.slice(0, 16)}…</code>)
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <ErrorMessage error={download.error ?? cancel.error} />
    </section>
  );
}

/** One click starts an export of everything the organization holds; the page follows its progress. */
export function ExportsPage({ selected }: { selected?: string | undefined }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const exports = useQuery({
    queryKey: ['exports'],
    queryFn: () => api.get<{ exports: ExportView[] }>('/v1/exports'),
    refetchInterval: (query) =>
      query.state.data?.exports.some((view) => view.status === 'running') ? 2000 : false,
  });
  const start = useMutation({
    mutationFn: () => api.post<{ export: ExportView }>('/v1/exports'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['exports'] }),
  });
  const list = exports.data?.exports ?? [];
  const shown = selected ? list.filter((view) => view.exportId === selected) : list;
  return (
    <>
      <PageTitle description="Everything your organization keeps in PACScribe, as spreadsheets and image files.">
        Exports
      </PageTitle>
      <Button onPress={() => start.mutate()} isDisabled={start.isPending}>
        Export everything
      </Button>
      <ErrorMessage error={start.error ?? exports.error} />
      {selected ? (
        <p>
          <Link href="/exports">Show all exports</Link>
        </p>
      ) : null}
      {exports.isPending ? <Loading what="exports" /> : null}
      {exports.data && shown.length === 0 ? <Empty>No exports yet.</Empty> : null}
      {shown.map((view) => (
        <ExportDetail key={view.exportId} view={view} />
      ))}
    </>
  );
}
