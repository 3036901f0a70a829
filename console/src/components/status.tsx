import type { ReactNode } from 'react';
import { Button } from 'react-aria-components';
import { describeError } from '../api/errors';

export function Loading({ what }: { what: string }) {
  return (
    <p className="status" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {describeError(error)}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

export function PageTitle({ children, description }: { children: ReactNode; description?: ReactNode }) {
  return (
    <header className="page-title">
      <h1>{children}</h1>
      {description ? <p>{description}</p> : null}
    </header>
  );
}

/** A date-time as the facility reads it (local time zone), or a dash. */
export function formatTime(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : '—';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Previous and next for a paged list; a direction without a handler is disabled. */
export function Pager(props: {
  onPrevious: (() => void) | undefined;
  onNext: (() => void) | undefined;
  previousLabel?: string;
  nextLabel?: string;
}) {
  return (
    <div className="pager">
      <Button className="secondary" isDisabled={!props.onPrevious} onPress={props.onPrevious}>
        {props.previousLabel ?? 'Previous page'}
      </Button>
      <Button className="secondary" isDisabled={!props.onNext} onPress={props.onNext}>
        {props.nextLabel ?? 'Next page'}
      </Button>
    </div>
  );
}
