import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { SupportAccessLog, SupportSettings } from '../../../schemas/support/grants';
import type { Ticket, TicketSummary } from '../../../schemas/support/tickets';
import { useSession } from '../app-context';
import { Field, Toggle } from '../components/fields';
import { Empty, ErrorMessage, formatTime, Loading, Notice, PageTitle } from '../components/status';

function NewTicket() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const open = useMutation({
    mutationFn: () => api.post('/v1/support/tickets', { subject, message }),
    onSuccess: () => {
      setSubject('');
      setMessage('');
      return queryClient.invalidateQueries({ queryKey: ['tickets'] });
    },
  });
  return (
    <Form
      className="inline-form panel"
      onSubmit={(event) => {
        event.preventDefault();
        open.mutate();
      }}
    >
      <h2>Ask PACScribe support</h2>
      <p>Support staff see only your ticket unless you approve access to your data, and then only to look.</p>
      <Field label="Subject" name="subject" value={subject} onChange={setSubject} isRequired />
      <Field label="Message" name="message" value={message} onChange={setMessage} multiline isRequired />
      <Button type="submit" isDisabled={open.isPending}>
        Open ticket
      </Button>
      <ErrorMessage error={open.error} />
      {open.isSuccess ? <Notice>Ticket opened; answers come by mail and appear here.</Notice> : null}
    </Form>
  );
}

function TicketThread({ ticketId }: { ticketId: string }) {
  const { api } = useSession();
  const ticket = useQuery({
    queryKey: ['ticket', ticketId],
    queryFn: () => api.get<Ticket>(`/v1/support/tickets/${ticketId}`),
  });
  if (ticket.isPending) return <Loading what="the ticket" />;
  if (ticket.isError) return <ErrorMessage error={ticket.error} />;
  return (
    <ol className="thread">
      {ticket.data.messages.map((message) => (
        <li key={message.messageId}>
          <p className="meta">
            {message.author.kind === 'support' ? 'PACScribe support' : (message.senderEmail ?? 'You')} ·{' '}
            {formatTime(message.createdAt)}
          </p>
          <p>{message.text}</p>
        </li>
      ))}
    </ol>
  );
}

/** Grants PACScribe staff asked for or hold, what they looked at, and the switch that ends them. */
function SupportAccess() {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const log = useQuery({
    queryKey: ['support-access'],
    queryFn: () => api.get<SupportAccessLog>('/v1/support-access'),
  });
  const settings = useQuery({
    queryKey: ['support-settings'],
    queryFn: () => api.get<SupportSettings>('/v1/support/settings'),
    enabled: can('manage-users'),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['support-access'] });
  const decide = useMutation({
    mutationFn: (action: { grantId: string; approve: boolean }) =>
      action.approve
        ? api.post(`/v1/support/access-grants/${action.grantId}/approve`)
        : api.delete(`/v1/support/access-grants/${action.grantId}`),
    onSuccess: refresh,
  });
  const setApproval = useMutation({
    mutationFn: (requireApproval: boolean) =>
      api.put<SupportSettings>('/v1/support/settings', { requireApproval }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['support-settings'] }),
  });
  return (
    <section className="panel" aria-labelledby="support-access-heading">
      <h2 id="support-access-heading">Support access to your data</h2>
      {/* A reload would sign the user out (tokens live in memory), so the log refreshes in place. */}
      <Button className="secondary" onPress={() => void log.refetch()} isDisabled={log.isFetching}>
        Refresh
      </Button>
      {settings.data ? (
        <Toggle isSelected={settings.data.requireApproval} onChange={(value) => setApproval.mutate(value)}>
          Support staff need an administrator's approval before they can look at data
        </Toggle>
      ) : null}
      <ErrorMessage error={log.error ?? decide.error ?? setApproval.error} />
      {log.isPending ? <Loading what="support access" /> : null}
      {log.data?.grants.length === 0 ? (
        <Empty>PACScribe staff have never had access to your data.</Empty>
      ) : null}
      {log.data?.grants.map((grant) => (
        <article key={grant.grantId} className="grant">
          <p>
            <strong>{grant.status}</strong> · staff {grant.staffId} · ticket {grant.ticketId} · “
            {grant.reason}” · {grant.durationMinutes} minutes
            {grant.expiresAt ? `, until ${formatTime(grant.expiresAt)}` : ''}
          </p>
          {can('manage-users') && grant.status === 'pending-approval' ? (
            <Button onPress={() => decide.mutate({ grantId: grant.grantId, approve: true })}>Approve</Button>
          ) : null}
          {can('manage-users') && grant.status !== 'revoked' ? (
            <Button
              className="danger"
              onPress={() => decide.mutate({ grantId: grant.grantId, approve: false })}
            >
              Revoke access
            </Button>
          ) : null}
          {grant.accesses.length > 0 ? (
            <ul>
              {grant.accesses.map((access) => (
                <li key={`${access.at}-${access.route}`}>
                  {formatTime(access.at)} · {access.event} · {access.route} · HTTP {access.httpStatus}
                </li>
              ))}
            </ul>
          ) : (
            <p>Nothing viewed under this grant.</p>
          )}
        </article>
      ))}
    </section>
  );
}

export function SupportPage() {
  const { api, can } = useSession();
  const tickets = useQuery({
    queryKey: ['tickets'],
    queryFn: () => api.get<{ tickets: TicketSummary[] }>('/v1/support/tickets'),
  });
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      <PageTitle description="Tickets with PACScribe support, and every time support staff looked at your data.">
        Support
      </PageTitle>
      <NewTicket />
      <section className="panel" aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">Tickets</h2>
        {tickets.isPending ? <Loading what="tickets" /> : null}
        <ErrorMessage error={tickets.error} />
        {tickets.data?.tickets.length === 0 ? <Empty>No tickets yet.</Empty> : null}
        <ul className="tickets">
          {tickets.data?.tickets.map((ticket) => (
            <li key={ticket.ticketId}>
              <Button
                className="link-button"
                onPress={() => setOpen(open === ticket.ticketId ? null : ticket.ticketId)}
              >
                {ticket.subject}
              </Button>{' '}
              · {ticket.status} · {formatTime(ticket.updatedAt)}
              {open === ticket.ticketId ? <TicketThread ticketId={ticket.ticketId} /> : null}
            </li>
          ))}
        </ul>
      </section>
      {can('view-audit') ? <SupportAccess /> : null}
    </>
  );
}
