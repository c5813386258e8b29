import type { ReactNode } from 'react';

/** The explicit empty, loading and error states every view shows instead of a blank pane. */
export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: Error & { code?: string }; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>{error.message}</strong>
      {error.code ? <div className="error-message">{error.code}</div> : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
