import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { ChainedAuditRecord } from '../../../schemas/audit/audit-event';
import { saveBlob } from '../api/client';
import { useSession } from '../app-context';
import { Choice, Field } from '../components/fields';
import { Empty, ErrorMessage, formatTime, Loading, Pager, PageTitle } from '../components/status';

interface Filters {
  from: string;
  to: string;
  actor: string;
  patientId: string;
  studyUid: string;
  action: '' | 'C' | 'R' | 'U' | 'D' | 'E';
}

const ACTIONS = [
  { id: '', label: 'Any' },
  { id: 'C', label: 'Create' },
  { id: 'R', label: 'Read' },
  { id: 'U', label: 'Update' },
  { id: 'D', label: 'Delete' },
  { id: 'E', label: 'Execute' },
] as const;

/** The form's dates (local days) as the API's ISO instants: from the start of `from` to the end of `to`. */
function query(filters: Filters, cursor?: string) {
  return {
    from: filters.from ? new Date(`${filters.from}T00:00:00`).toISOString() : undefined,
    to: filters.to ? new Date(`${filters.to}T23:59:59.999`).toISOString() : undefined,
    actor: filters.actor.trim() || undefined,
    patientId: filters.patientId.trim() || undefined,
    studyUid: filters.studyUid.trim() || undefined,
    action: filters.action || undefined,
    limit: 50,
    cursor,
  };
}

export function AuditPage() {
  const { api } = useSession();
  const [draft, setDraft] = useState<Filters>({
    from: '',
    to: '',
    actor: '',
    patientId: '',
    studyUid: '',
    action: '',
  });
  const [filters, setFilters] = useState(draft);
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const events = useQuery({
    queryKey: ['audit', filters, cursor],
    queryFn: () =>
      api.get<{ events: ChainedAuditRecord[]; nextCursor: string | null }>(
        '/v1/audit-events',
        query(filters, cursor),
      ),
  });
  const download = useMutation({
    mutationFn: async (format: 'csv' | 'xlsx') => {
      const accept =
        format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      const blob = await api.blob('/v1/audit-events', accept, { ...query(filters), limit: 5000, format });
      saveBlob(blob, `pacscribe-audit.${format}`);
    },
  });
  const nextCursor = events.data?.nextCursor;
  const set = (field: keyof Filters) => (value: string) => setDraft({ ...draft, [field]: value });
  return (
    <>
      <PageTitle description="Every access to and change of your organization's data, including PACScribe staff's.">
        Audit log
      </PageTitle>
      <Form
        className="search-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setCursors([]);
          setFilters(draft);
        }}
      >
        <Field label="From" name="from" type="date" value={draft.from} onChange={set('from')} />
        <Field label="To" name="to" type="date" value={draft.to} onChange={set('to')} />
        <Field label="User id" name="actor" value={draft.actor} onChange={set('actor')} />
        <Field label="Patient ID" name="patientId" value={draft.patientId} onChange={set('patientId')} />
        <Field label="Study UID" name="studyUid" value={draft.studyUid} onChange={set('studyUid')} />
        <Choice
          label="Action"
          value={draft.action}
          options={ACTIONS}
          onChange={(action) => setDraft({ ...draft, action })}
        />
        <Button type="submit">Search</Button>
      </Form>
      <div className="actions">
        <Button className="secondary" onPress={() => download.mutate('csv')} isDisabled={download.isPending}>
          Download CSV
        </Button>
        <Button className="secondary" onPress={() => download.mutate('xlsx')} isDisabled={download.isPending}>
          Download XLSX
        </Button>
      </div>
      <ErrorMessage error={events.error ?? download.error} />
      {events.isPending ? <Loading what="audit events" /> : null}
      {events.data?.events.length === 0 ? <Empty>No events match.</Empty> : null}
      {events.data && events.data.events.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">Audit events</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Who</th>
              <th scope="col">Outcome</th>
              <th scope="col">Objects</th>
            </tr>
          </thead>
          <tbody>
            {events.data.events.map((event) => (
              <tr key={event.recordId}>
                <td>{formatTime(event.eventTime)}</td>
                <td>
                  {event.event}
                  {event.reason ? ` · ${event.reason}` : ''}
                </td>
                <td>
                  {event.actor.userId
                    ? `${event.actor.kind} ${event.actor.userId} (${event.actor.role ?? '—'})`
                    : event.actor.kind}
                </td>
                <td>{event.outcome === 0 ? 'success' : `failure (${event.outcome})`}</td>
                <td>{event.objects.map((object) => `${object.type} ${object.id}`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager
        previousLabel="Newer"
        nextLabel="Older"
        onPrevious={cursors.length === 0 ? undefined : () => setCursors(cursors.slice(0, -1))}
        onNext={nextCursor ? () => setCursors([...cursors, nextCursor]) : undefined}
      />
    </>
  );
}
