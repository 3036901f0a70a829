import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useSession } from '../app-context';
import { ErrorMessage } from './status';

/**
 * An image the API renders (a thumbnail or a frame). It needs the bearer token, so it is fetched and shown
 * through an object URL: the token never appears in an image URL, a history entry or a server log.
 */
export function AuthorizedImage(props: { path: string; alt: string; className?: string }) {
  const { api } = useSession();
  const image = useQuery({
    queryKey: ['image', props.path],
    queryFn: () => api.blob(props.path, 'image/jpeg, image/png;q=0.9'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const url = useMemo(() => (image.data ? URL.createObjectURL(image.data) : undefined), [image.data]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  if (image.isError) return <ErrorMessage error={image.error} />;
  if (!url)
    return (
      <span
        className={`image-placeholder ${props.className ?? ''}`}
        aria-label={`Loading ${props.alt}`}
        role="img"
      />
    );
  return <img src={url} alt={props.alt} className={props.className} />;
}
