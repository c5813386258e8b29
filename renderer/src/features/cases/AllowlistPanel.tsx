import { useState, type FormEvent } from 'react';
import type { Suppression } from '@shared/domain/suppression.js';

export interface AllowlistDraft {
  id: string;
  detectors: string[];
  container: string;
  reason: string;
}

/**
 * The case's allowlist: entries in the detectors' suppression format. Scans run while this case is current
 * honour them; the findings they hide stay in the case, marked suppressed. The form keeps its input on failure.
 */
export function AllowlistPanel({
  entries,
  disabled,
  onAdd,
}: {
  entries: Suppression[];
  disabled: boolean;
  onAdd(d: AllowlistDraft): Promise<boolean>;
}) {
  const [d, setD] = useState<AllowlistDraft>({ id: '', detectors: [], container: '', reason: '' });
  const [detectors, setDetectors] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const draft = { ...d, detectors: detectors.split(/[\s,]+/).filter(Boolean) };
    if (await onAdd(draft)) {
      setD({ id: '', detectors: [], container: '', reason: '' });
      setDetectors('');
    }
  };
  return (
    <section className="cv-panel" aria-label="Allowlist">
      <h3>Allowlist</h3>
      <ul className="cv-files">
        {entries.map((s) => (
          <li key={s.id}>
            <span className="mono">
              {s.id}@v{s.version}
            </span>{' '}
            {s.detectors.join(', ')} where{' '}
            {Object.entries(s.match)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}
            : <span className="muted">{s.reason}</span>
          </li>
        ))}
        {entries.length === 0 ? <li className="muted">No entries: every finding alerts.</li> : null}
      </ul>
      <form className="cv-allow" onSubmit={(e) => void submit(e)}>
        <input
          aria-label="Entry id"
          placeholder="id (e.g. ci-runner)"
          value={d.id}
          onChange={(e) => setD({ ...d, id: e.target.value })}
          disabled={disabled}
          data-testid="allow-id"
        />
        <input
          aria-label="Detectors"
          placeholder="detector ids, or *"
          value={detectors}
          onChange={(e) => setDetectors(e.target.value)}
          disabled={disabled}
          data-testid="allow-detectors"
        />
        <input
          aria-label="Container name glob"
          placeholder="container name glob (e.g. ci-*)"
          value={d.container}
          onChange={(e) => setD({ ...d, container: e.target.value })}
          disabled={disabled}
          data-testid="allow-container"
        />
        <input
          aria-label="Reason"
          placeholder="why this is expected"
          value={d.reason}
          onChange={(e) => setD({ ...d, reason: e.target.value })}
          disabled={disabled}
          data-testid="allow-reason"
        />
        <button
          type="submit"
          disabled={disabled || !d.id || !detectors.trim() || !d.container || !d.reason}
          data-testid="allow-add"
        >
          Add entry
        </button>
      </form>
    </section>
  );
}
