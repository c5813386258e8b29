import { useState, type FormEvent } from 'react';
import type { CaseView } from '@shared/api/cases.js';
import { shown } from '../../lib/visible-text.js';

interface Props {
  cases: CaseView[];
  current: CaseView | undefined;
  busy: boolean;
  engineId: string | undefined;
  onCreate(name: string): void;
  onOpen(id: string): void;
  onRename(name: string): void;
  onStatus(action: 'close' | 'reopen' | 'archive'): void;
  onAddScan(): void;
  onImport(path: string): void;
}

/** Create and switch cases, rename, close, reopen, archive; record the latest scan; open an offline bundle. */
export function CaseHeader(p: Props) {
  const [name, setName] = useState('');
  const [rename, setRename] = useState<string>();
  const [bundle, setBundle] = useState('');
  const c = p.current;
  const submit = (e: FormEvent, fn: () => void) => {
    e.preventDefault();
    fn();
  };
  return (
    <div className="cv-header">
      <div className="cv-row">
        <label className="muted small" htmlFor="cv-picker">
          Case
        </label>
        <select
          id="cv-picker"
          data-testid="case-picker"
          value={c?.id ?? ''}
          onChange={(e) => e.target.value && p.onOpen(e.target.value)}
          disabled={p.busy}
        >
          {!c ? <option value="">No case open</option> : null}
          {p.cases.map((x) => (
            <option key={x.id} value={x.id}>
              {shown(x.name, 120)} · {x.status}
              {x.readOnly ? ' · read-only' : ''} · {x.findingCount} findings
            </option>
          ))}
        </select>
        <form className="cv-inline" onSubmit={(e) => submit(e, () => (p.onCreate(name), setName('')))}>
          <input
            aria-label="New case name"
            placeholder="New case name"
            value={name}
            maxLength={256}
            onChange={(e) => setName(e.target.value)}
            data-testid="case-new-name"
          />
          <button type="submit" disabled={!name.trim() || p.busy} data-testid="case-create">
            Create
          </button>
        </form>
      </div>
      {c ? (
        <div className="cv-row">
          {rename === undefined ? (
            <h2 className="view-title cv-title" data-testid="case-title" title={shown(c.name)}>
              {shown(c.name)}
            </h2>
          ) : (
            <form className="cv-inline" onSubmit={(e) => submit(e, () => (p.onRename(rename), setRename(undefined)))}>
              <input
                aria-label="Case name"
                value={rename}
                maxLength={256}
                autoFocus
                onChange={(e) => setRename(e.target.value)}
                onKeyDown={(e) => e.key === 'Escape' && setRename(undefined)}
              />
              <button type="submit" disabled={!rename.trim()}>
                Save
              </button>
            </form>
          )}
          <span className={`cv-status cv-${c.status}`}>{c.status}</span>
          {c.readOnly ? (
            <span className="cv-status" title={shown(c.source, 1024)}>
              read-only bundle
            </span>
          ) : null}
          {c.bundleSignature ? (
            <span
              className={`cv-status cv-sig-${c.bundleSignature.status}`}
              title={shown(c.bundleSignature.summary, 1024)}
              data-testid="case-bundle-signature"
            >
              {c.bundleSignature.status === 'verified'
                ? `signed ${c.bundleSignature.fingerprint?.slice(0, 22) ?? ''}…`
                : c.bundleSignature.status === 'invalid'
                  ? 'signature does NOT verify'
                  : 'unsigned bundle'}
            </span>
          ) : null}
          <span className="muted small mono">{c.id.slice(0, 8)}</span>
          <span className="spacer" />
          <button type="button" onClick={() => setRename(c.name)} disabled={p.busy}>
            Rename
          </button>
          {c.status === 'open' ? (
            <button type="button" onClick={() => p.onStatus('close')} disabled={p.busy}>
              Close
            </button>
          ) : (
            <button type="button" onClick={() => p.onStatus('reopen')} disabled={p.busy}>
              Reopen
            </button>
          )}
          {c.status !== 'archived' ? (
            <button type="button" onClick={() => p.onStatus('archive')} disabled={p.busy}>
              Archive
            </button>
          ) : null}
        </div>
      ) : null}
      <div className="cv-row">
        <button
          type="button"
          className="primary"
          onClick={p.onAddScan}
          disabled={!c || c.readOnly || c.status !== 'open' || !p.engineId || p.busy}
          data-testid="case-add-scan"
          title="Record the selected engine's latest scan and its evidence in this case"
        >
          Record latest scan
        </button>
        <form className="cv-inline" onSubmit={(e) => submit(e, () => p.onImport(bundle))}>
          <input
            className="cv-path"
            aria-label="Bundle file path"
            placeholder="/path/to/evidence.tar.gz (from stowaway collect)"
            value={bundle}
            onChange={(e) => setBundle(e.target.value)}
            data-testid="case-bundle-path"
          />
          <button type="submit" disabled={!bundle.trim() || p.busy}>
            Open bundle
          </button>
        </form>
      </div>
    </div>
  );
}
