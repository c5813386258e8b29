import { useEffect, useRef, useState } from 'react';

/** Splits a command line on spaces, keeping quoted parts together; no shell runs it, Docker gets argv. */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) && out.length < 64) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/**
 * Asks before anything runs in the container. The text says what the analyst is about to change: an exec is
 * visible in the container's event history and can alter its state, which matters for evidence.
 */
export function ExecConfirm({
  containerName,
  pod,
  onCancel,
  onConfirm,
}: {
  containerName: string;
  pod?: boolean;
  onCancel: () => void;
  onConfirm: (cmd: string[]) => void;
}) {
  const [line, setLine] = useState('sh');
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
  }, []);
  const cmd = splitCommand(line);
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <div
        className="modal term-confirm"
        role="dialog"
        aria-modal="true"
        aria-labelledby="exec-confirm-title"
        data-testid="exec-confirm"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      >
        <h2 id="exec-confirm-title">
          Run a command inside <span className="mono">{containerName}</span>?
        </h2>
        <p>
          <strong className="warn">This changes the container.</strong>{' '}
          {pod ? (
            'The cluster records the exec (pods/exec) in its audit log'
          ) : (
            <>Docker records the exec in the container&apos;s event history (exec_create, exec_start)</>
          )}
          , the command runs with the container&apos;s user and privileges, and anything it does (files, processes,
          connections) becomes part of what you are investigating.
        </p>
        <p className="muted small">
          The session is recorded as an asciicast v2 file, hashed (sha256) and kept with your name and the time: as
          evidence of the open case, or in the data directory when no case is open. Prefer the read-only logs when they
          are enough.
        </p>
        <label className="term-cmd">
          Command{' '}
          <input
            value={line}
            onChange={(e) => setLine(e.target.value)}
            aria-label="Command to run"
            data-testid="exec-command"
            onKeyDown={(e) => {
              if (e.key === 'Enter' && cmd.length > 0) onConfirm(cmd);
            }}
          />
        </label>
        <div className="term-confirm-actions">
          <button type="button" ref={cancelRef} onClick={onCancel} data-testid="exec-cancel">
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            disabled={cmd.length === 0}
            onClick={() => onConfirm(cmd)}
            data-testid="exec-run"
          >
            Run in container
          </button>
        </div>
      </div>
    </div>
  );
}
