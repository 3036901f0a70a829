import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CommunicationPreferences } from '../../../schemas/mail/preferences';
import { useSession } from '../app-context';
import { Toggle } from '../components/fields';
import { ErrorMessage, formatTime, Loading, Notice, PageTitle } from '../components/status';

export function PreferencesPage() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const preferences = useQuery({
    queryKey: ['preferences'],
    queryFn: () => api.get<CommunicationPreferences>('/v1/me/communication-preferences'),
  });
  const change = useMutation({
    mutationFn: (subscribed: boolean) =>
      api.put<CommunicationPreferences>('/v1/me/communication-preferences', { marketing: { subscribed } }),
    onSuccess: (data) => queryClient.setQueryData(['preferences'], data),
  });
  const data = preferences.data;
  const propagation = data?.latestPropagation;
  return (
    <>
      <PageTitle description="Which mail PACScribe sends you.">Mail preferences</PageTitle>
      {preferences.isPending ? <Loading what="your preferences" /> : null}
      <ErrorMessage error={preferences.error ?? change.error} />
      {data ? (
        <section className="panel" aria-labelledby="mail-heading">
          <h2 id="mail-heading">Your mail</h2>
          <p>
            <strong>Account mail</strong> (always on): {data.transactional.description}
          </p>
          {data.marketing.eligible ? (
            <Toggle isSelected={data.marketing.subscribed} onChange={(value) => change.mutate(value)}>
              Product news and offers (marketing)
            </Toggle>
          ) : (
            <p>Your role does not receive marketing mail.</p>
          )}
          {propagation ? (
            <Notice>
              Your last change ({propagation.direction}, {formatTime(propagation.requestedAt)}) is{' '}
              {propagation.status === 'complete'
                ? `applied everywhere since ${formatTime(propagation.completedAt)}`
                : `being applied to every mailing system, at the latest by ${propagation.deadlineDate}`}
              .
            </Notice>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
