import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { PolicyDocumentView } from '../../../schemas/policy/policy';
import { useSession } from '../app-context';
import { Choice } from '../components/fields';
import { ErrorMessage, formatTime, Loading, PageTitle } from '../components/status';

export function PolicyPage() {
  const { api } = useSession();
  const [version, setVersion] = useState<string>('');
  const policy = useQuery({
    queryKey: ['policy', version],
    queryFn: () => api.get<PolicyDocumentView>('/v1/privacy-policy', { version: version || undefined }),
  });
  const data = policy.data;
  return (
    <>
      <PageTitle description="The promises PACScribe keeps, as tested behaviour.">Privacy policy</PageTitle>
      {policy.isPending ? <Loading what="the privacy policy" /> : null}
      <ErrorMessage error={policy.error} />
      {data ? (
        <>
          <Choice
            label="Version"
            value={version || String(data.version)}
            options={data.versions.map((summary) => ({
              id: String(summary.version),
              label: `Version ${summary.version}, effective ${summary.effectiveDate}${summary.version === data.current ? ' (in force)' : ''}`,
            }))}
            onChange={setVersion}
          />
          <p className="meta">
            Version {data.version} · last updated {data.lastUpdated} · effective {data.effectiveDate} ·
            published {formatTime(data.publishedAt)}
          </p>
          {/* The API renders the Markdown and sanitizes it (no scripts, no handlers); the CSP would block script anyway. */}
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: server-sanitized policy text */}
          <article className="policy" dangerouslySetInnerHTML={{ __html: data.html }} />
        </>
      ) : null}
    </>
  );
}
