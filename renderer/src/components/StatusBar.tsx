import type { EngineView } from '@shared/domain/engine.js';
import { useRetryCountdown } from '../lib/use-retry-countdown.js';
import { shown } from '../lib/visible-text.js';

const LABEL: Record<string, string> = {
  idle: 'not connected',
  connecting: 'connecting…',
  connected: 'connected',
  lost: 'connection lost',
  failed: 'failed',
};

/** Bottom bar: which engine, its connection state and reason, and how the UI is connected. */
export function StatusBar({
  engine,
  transport,
  backendUp,
  version,
}: {
  engine?: EngineView;
  transport: string;
  backendUp: boolean;
  version?: string;
}) {
  const st = engine?.state;
  const retryIn = useRetryCountdown(st);
  return (
    <footer className="statusbar" data-testid="status-bar">
      <span className={`dot dot-${st?.status ?? 'idle'}`} aria-hidden />
      <span data-testid="engine-status">
        {engine ? `${shown(engine.name, 120)}: ${LABEL[st?.status ?? 'idle']}` : 'no engine'}
        {st?.serverVersion ? ` · Docker ${st.serverVersion} (API ${st.apiVersion})` : ''}
      </span>
      {st?.reason && st.status !== 'connected' ? (
        <span className="status-reason" title={shown(st.reason, 1024)}>
          {shown(st.reason, 1024)}
        </span>
      ) : null}
      {retryIn !== undefined ? (
        <span className="warn" data-testid="engine-retry-in">
          {retryIn > 0 ? `reconnecting in ${retryIn} s` : 'reconnecting…'}
        </span>
      ) : null}
      <span className="spacer" />
      <span className={backendUp ? 'muted' : 'warn'}>
        {transport === 'ipc' ? 'desktop' : backendUp ? 'web mode · live' : 'web mode · reconnecting…'}
      </span>
      {version ? <span className="muted">v{version}</span> : null}
      <span className="muted">? for shortcuts</span>
    </footer>
  );
}
