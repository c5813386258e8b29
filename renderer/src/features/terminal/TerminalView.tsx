import { useCallback, useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { Recording, TerminalSession } from '@shared/api/terminal.js';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { Empty, ErrorState } from '../../components/States.js';
import { useQuery } from '../../lib/use-query.js';
import { ExecConfirm } from './ExecConfirm.js';
import { isKubeEngine } from '../../lib/engine-kind.js';
import { createInputQueue } from './input-queue.js';
import './terminal.css';

type Status =
  | { kind: 'idle' }
  | { kind: 'opening'; mode: 'logs' | 'exec' }
  | { kind: 'open'; session: TerminalSession }
  | { kind: 'ended'; mode: 'logs' | 'exec'; reason: string; exitCode?: number; recording?: Recording };

/**
 * A terminal on the selected container. By default it follows the container's logs: read-only, nothing reaches
 * the container. A shell (exec) opens only after the analyst confirms that it changes the container; it is recorded.
 */
export function TerminalView() {
  const api = useApi();
  const wb = useWorkbench();
  const { engineId, containerId } = wb;
  const detail = useQuery(
    engineId && containerId ? () => api.call('containers.inspect', { engineId, containerId }) : undefined,
    [engineId, containerId],
  );
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<{ term: Terminal; fit: FitAddon } | null>(null);
  const sessionRef = useRef<string | undefined>(undefined);
  // Output may arrive before the open call returns: keep it per session until the session is known.
  const early = useRef(new Map<string, string[]>());
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [error, setError] = useState<Error>();
  const [confirming, setConfirming] = useState(false);

  const closeCurrent = useCallback(() => {
    const id = sessionRef.current;
    sessionRef.current = undefined;
    if (id) void api.call('terminal.close', { sessionId: id }).catch(() => undefined);
  }, [api]);

  /** A fresh xterm per session: logs and exec differ in stdin and line endings. */
  const makeTerminal = useCallback((mode: 'logs' | 'exec') => {
    termRef.current?.term.dispose();
    const host = hostRef.current!;
    host.replaceChildren();
    const style = getComputedStyle(host);
    const v = (n: string, f: string) => style.getPropertyValue(n).trim() || f;
    const term = new Terminal({
      convertEol: mode === 'logs',
      disableStdin: mode === 'logs',
      cursorBlink: mode === 'exec',
      cursorStyle: mode === 'logs' ? 'underline' : 'block',
      scrollback: 10_000,
      fontFamily: "ui-monospace, 'JetBrains Mono', Menlo, Consolas, monospace",
      fontSize: 13,
      allowProposedApi: false,
      theme: {
        background: v('--bg', '#0f1216'),
        foreground: v('--fg', '#d8dee6'),
        cursor: mode === 'logs' ? v('--bg', '#0f1216') : v('--accent', '#4ea1ff'),
        selectionBackground: v('--sel', '#1f3550'),
      },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    // Containers do not get to set window titles; the engine shows OSC as text, and this ignores any that slips through.
    term.onTitleChange(() => undefined);
    try {
      fit.fit();
    } catch {
      // Not laid out yet; the resize observer fits it.
    }
    termRef.current = { term, fit };
    return term;
  }, []);

  const open = useCallback(
    async (mode: 'logs' | 'exec', cmd?: string[]) => {
      if (!engineId || !containerId) return;
      closeCurrent();
      setError(undefined);
      setStatus({ kind: 'opening', mode });
      const term = makeTerminal(mode);
      const size = { cols: Math.max(2, term.cols), rows: Math.max(1, term.rows) };
      try {
        const session =
          mode === 'logs'
            ? await api.call('terminal.logs', { engineId, containerId, tail: 500, ...size })
            : await api.call('terminal.exec', { engineId, containerId, cmd, confirm: true, tail: 0, ...size });
        sessionRef.current = session.sessionId;
        for (const chunk of early.current.get(session.sessionId) ?? []) term.write(chunk);
        early.current.clear();
        if (mode === 'exec') {
          const sendInput = createInputQueue((data) =>
            sessionRef.current === session.sessionId
              ? api.call('terminal.input', { sessionId: session.sessionId, data })
              : Promise.resolve(),
          );
          term.onData(sendInput);
          term.onResize(({ cols, rows }) => {
            if (sessionRef.current === session.sessionId)
              void api.call('terminal.resize', { sessionId: session.sessionId, cols, rows }).catch(() => undefined);
          });
          term.focus();
        }
        setStatus({ kind: 'open', session });
      } catch (e) {
        setError(e as Error);
        setStatus({ kind: 'idle' });
      }
    },
    [api, engineId, containerId, closeCurrent, makeTerminal],
  );

  // Pushed output and session ends.
  useEffect(() => {
    const offData = api.on('terminal.data', ({ sessionId, data }) => {
      if (sessionId === sessionRef.current) termRef.current?.term.write(data);
      else {
        const buf = early.current.get(sessionId) ?? [];
        if (buf.length < 256) buf.push(data);
        early.current.set(sessionId, buf);
        if (early.current.size > 8) early.current.delete(early.current.keys().next().value!);
      }
    });
    const offExit = api.on('terminal.exit', (ev) => {
      if (ev.sessionId !== sessionRef.current) return;
      sessionRef.current = undefined;
      setStatus((s) => ({
        kind: 'ended',
        mode: s.kind === 'open' ? s.session.mode : 'logs',
        reason: ev.reason,
        exitCode: ev.exitCode,
        recording: ev.recording,
      }));
    });
    return () => {
      offData();
      offExit();
    };
  }, [api]);

  // Read-only logs open by themselves for the selected container; a shell never does.
  useEffect(() => {
    if (engineId && containerId) void open('logs');
    // Leaving the page must not leave a shell or a log follower running on the engine.
    window.addEventListener('pagehide', closeCurrent);
    return () => {
      window.removeEventListener('pagehide', closeCurrent);
      closeCurrent();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [engineId, containerId]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const ro = new ResizeObserver(() => {
      try {
        termRef.current?.fit.fit();
      } catch {
        // Hidden or zero-sized: nothing to fit.
      }
    });
    ro.observe(host);
    return () => {
      ro.disconnect();
      termRef.current?.term.dispose();
      termRef.current = null;
    };
  }, [containerId]);

  if (!containerId)
    return (
      <Empty title="Select a container">
        The terminal follows the logs of the container picked in the left rail; a shell opens only on request.
      </Empty>
    );

  const running = detail.data?.state === 'running';
  const name = detail.data?.name ?? containerId.slice(0, 12);
  const mode =
    status.kind === 'open'
      ? status.session.mode
      : status.kind === 'opening' || status.kind === 'ended'
        ? status.mode
        : 'logs';

  return (
    <div className="termview">
      <div className="term-toolbar" role="toolbar" aria-label="Terminal">
        {/* The container name is shown as text, never handed to the terminal as a title. */}
        <strong className="term-title" data-testid="terminal-title">
          {name}
        </strong>
        <span className={`term-mode ${mode === 'exec' ? 'term-mode-exec' : ''}`} data-testid="terminal-mode">
          {mode === 'exec' ? '● EXEC · recording' : 'READ-ONLY · logs'}
        </span>
        <span className="muted small term-hint">
          {status.kind === 'opening'
            ? 'connecting…'
            : status.kind === 'open'
              ? status.session.mode === 'logs'
                ? 'following logs; input is disabled'
                : 'input goes to the container'
              : status.kind === 'ended'
                ? 'session ended'
                : ''}
        </span>
        <button
          type="button"
          onClick={() => void open('logs')}
          disabled={status.kind === 'opening'}
          data-testid="terminal-logs"
        >
          Follow logs
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => setConfirming(true)}
          disabled={!running || status.kind === 'opening'}
          title={running ? 'Run a shell in the container (asks first)' : 'The container is not running'}
          data-testid="terminal-exec"
        >
          Open shell…
        </button>
        <button type="button" onClick={() => termRef.current?.term.clear()}>
          Clear
        </button>
        <button
          type="button"
          onClick={() => {
            const id = sessionRef.current;
            if (id) void api.call('terminal.close', { sessionId: id }).catch(() => undefined);
          }}
          disabled={status.kind !== 'open'}
          data-testid="terminal-close"
        >
          Close session
        </button>
      </div>
      {error ? (
        <div className="term-banner bad" role="alert">
          {(error as Error & { code?: string }).code ? `${(error as Error & { code?: string }).code}: ` : ''}
          {error.message}
        </div>
      ) : null}
      {status.kind === 'ended' ? (
        <div className="term-banner" data-testid="terminal-ended">
          Session ended: {status.reason}
          {status.exitCode !== undefined ? ` (exit ${status.exitCode})` : ''}.
          {status.recording ? (
            <span className="term-rec" data-testid="terminal-recording">
              {' '}
              Recording ({status.recording.bytes} bytes,{' '}
              {status.recording.storedIn === 'case' ? 'stored in the case' : 'kept in the data directory'}):{' '}
              <span className="mono">{status.recording.path}</span> sha256{' '}
              <span className="mono">{status.recording.sha256}</span>
            </span>
          ) : null}
        </div>
      ) : null}
      {detail.error ? <ErrorState error={detail.error} onRetry={detail.reload} /> : null}
      <div
        className={`term-host ${mode === 'exec' ? 'term-host-exec' : ''}`}
        ref={hostRef}
        data-testid="terminal"
        data-mode={mode}
        data-status={status.kind}
      />
      {confirming ? (
        <ExecConfirm
          containerName={name}
          pod={isKubeEngine(engineId)}
          onCancel={() => setConfirming(false)}
          onConfirm={(cmd) => {
            setConfirming(false);
            void open('exec', cmd);
          }}
        />
      ) : null}
    </div>
  );
}
