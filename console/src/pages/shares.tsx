import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { ShareAccess, ShareView } from '../../../schemas/sharing/shares';
import { useSession } from '../app-context';
import { Choice, Field, Toggle } from '../components/fields';
import { Empty, ErrorMessage, formatTime, Loading, Notice, PageTitle } from '../components/status';

function CreateShare({ study }: { study: string | undefined }) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const [studyUid, setStudyUid] = useState(study ?? '');
  const [email, setEmail] = useState('');
  const [scope, setScope] = useState<'view' | 'download'>('view');
  const [days, setDays] = useState('7');
  const [purpose, setPurpose] = useState('');
  const [deidentify, setDeidentify] = useState(false);
  // One key per filled-in form: a retried submission never creates a second share.
  const idempotencyKey = useRef(crypto.randomUUID());
  const create = useMutation({
    mutationFn: () =>
      api.post<{ share: ShareView; link: string | null }>(
        '/v1/shares',
        {
          studyInstanceUid: studyUid.trim(),
          recipientEmail: email,
          scope,
          expiresInDays: Number(days),
          deidentify,
          ...(purpose.trim() ? { purpose: purpose.trim() } : {}),
        },
        { 'idempotency-key': idempotencyKey.current },
      ),
    onSuccess: () => {
      idempotencyKey.current = crypto.randomUUID();
      return queryClient.invalidateQueries({ queryKey: ['shares'] });
    },
  });
  return (
    <Form
      className="inline-form panel"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <h2>Share a study</h2>
      <p>The recipient is mailed a link; opening it needs a one-time code sent to the same address.</p>
      <Field label="Study Instance UID" name="study" value={studyUid} onChange={setStudyUid} isRequired />
      <Field
        label="Recipient email"
        name="recipient"
        type="email"
        value={email}
        onChange={setEmail}
        isRequired
      />
      <Choice
        label="Access"
        value={scope}
        options={[
          { id: 'view', label: 'View only' },
          { id: 'download', label: 'View and download' },
        ]}
        onChange={setScope}
      />
      <Field label="Expires after (days)" name="days" type="number" value={days} onChange={setDays} />
      <Field
        label="Purpose"
        name="purpose"
        value={purpose}
        onChange={setPurpose}
        description="Kept with the share and in the audit log."
      />
      <Toggle isSelected={deidentify} onChange={setDeidentify}>
        Remove patient identifiers (de-identify)
      </Toggle>
      <Button type="submit" isDisabled={create.isPending}>
        Share
      </Button>
      <ErrorMessage error={create.error} />
      {create.data ? (
        <Notice>Shared with {create.data.share.recipientEmail}; the link was mailed.</Notice>
      ) : null}
    </Form>
  );
}

function AccessLog({ shareId }: { shareId: string }) {
  const { api } = useSession();
  const log = useQuery({
    queryKey: ['share-access', shareId],
    queryFn: () => api.get<{ accesses: ShareAccess[] }>(`/v1/shares/${shareId}/access`),
  });
  if (log.isPending) return <Loading what="the access log" />;
  if (log.isError) return <ErrorMessage error={log.error} />;
  if (log.data.accesses.length === 0) return <Empty>The recipient has not used the link.</Empty>;
  return (
    <ul className="access-log">
      {log.data.accesses.map((access) => (
        <li key={`${access.requestId}-${access.kind}`}>
          {formatTime(access.at)} · {access.kind}
          {access.detail ? ` · ${access.detail}` : ''}
          {access.sourceIp ? ` · from ${access.sourceIp}` : ''}
        </li>
      ))}
    </ul>
  );
}

export function SharesPage({ study }: { study?: string | undefined }) {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const shares = useQuery({
    queryKey: ['shares'],
    queryFn: () => api.get<{ shares: ShareView[] }>('/v1/shares'),
  });
  const [open, setOpen] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (shareId: string) => api.delete(`/v1/shares/${shareId}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['shares'] }),
  });
  return (
    <>
      <PageTitle description="Studies shared with people outside PACScribe, who opened them, and when.">
        Shares
      </PageTitle>
      {can('share') ? <CreateShare study={study} /> : null}
      {shares.isPending ? <Loading what="shares" /> : null}
      <ErrorMessage error={shares.error ?? revoke.error} />
      {shares.data?.shares.length === 0 ? <Empty>Nothing has been shared.</Empty> : null}
      {shares.data && shares.data.shares.length > 0 ? (
        <table className="table">
          <caption className="visually-hidden">Shares</caption>
          <thead>
            <tr>
              <th scope="col">Recipient</th>
              <th scope="col">Study</th>
              <th scope="col">Access</th>
              <th scope="col">Status</th>
              <th scope="col">Expires</th>
              <th scope="col">Uses</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shares.data.shares.map((share) => (
              <tr key={share.shareId}>
                <td>{share.recipientEmail}</td>
                <td className="uid">{share.studyInstanceUid}</td>
                <td>
                  {share.scope}
                  {share.deidentify ? ', de-identified' : ''}
                </td>
                <td>{share.status}</td>
                <td>{formatTime(share.expiresAt)}</td>
                <td>{share.uses}</td>
                <td className="row-actions">
                  <Button
                    className="secondary"
                    onPress={() => setOpen(open === share.shareId ? null : share.shareId)}
                  >
                    {open === share.shareId ? 'Hide access log' : 'Access log'}
                  </Button>
                  {can('share') && share.status === 'active' ? (
                    <Button className="danger" onPress={() => revoke.mutate(share.shareId)}>
                      Revoke
                    </Button>
                  ) : null}
                  {open === share.shareId ? <AccessLog shareId={share.shareId} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
