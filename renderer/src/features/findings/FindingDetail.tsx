import { type ReactNode } from 'react';
import { type EvidenceRef, type Finding, type TriageState } from '@shared/domain/finding.js';
import { visible } from '../../lib/visible-text.js';
import { evidenceTarget } from './findings-model.js';
import { ATTACK_VERSION, attackName, attackTactics } from '@shared/domain/attack-techniques.js';
import { type CauseGroup } from '@shared/domain/finding-groups.js';

/** Short labels instead of pictographs: they render with any font, and read faster. */
const EVIDENCE_ICON: Record<string, string> = {
  process: 'PROC',
  file: 'FILE',
  socket: 'NET',
  event: 'EVT',
  exec: 'EXEC',
  inspect: 'CFG',
  image: 'IMG',
  stats: 'STAT',
};

export function FindingDetail({
  f,
  group,
  onOpen,
  onJudge,
  respond,
}: {
  f: Finding | undefined;
  group: CauseGroup | undefined;
  onOpen(f: Finding, e?: EvidenceRef): void;
  onJudge(s: TriageState): void;
  respond: ReactNode;
}) {
  if (!f)
    return (
      <aside className="fv-detail muted">
        Select a finding (click, or <kbd>n</kbd>) to see its evidence. Double-click or <kbd>Enter</kbd> jumps to the
        view that shows it.
      </aside>
    );
  return (
    <aside className="fv-detail" data-testid="finding-detail">
      <div className="fv-dhead">
        <span className={`sev sev-${f.severity}`}>{f.severity}</span>
        <h3>{visible(f.title)}</h3>
      </div>
      {group ? (
        <p className="small muted" data-testid="finding-group-note">
          First of {group.findings.length} informational findings with the same cause (
          <code>{visible(group.cause)}</code>) on {group.containers.length} container
          {group.containers.length === 1 ? '' : 's'}. <kbd>Enter</kbd> lists them.
        </p>
      ) : null}
      <p className="fv-summary">{visible(f.summary, { newlines: true })}</p>
      <dl className="fv-dl">
        <dt title={`ATT&CK Enterprise v${ATTACK_VERSION}`}>ATT&amp;CK</dt>
        <dd>
          <ul className="fv-techniques" data-testid="finding-techniques">
            {f.attack.map((t) => (
              <li key={t}>
                <span className="mono">{t}</span> {attackName(t) === t ? null : <span>{attackName(t)}</span>}
                {attackTactics(t).length ? <span className="muted small"> · {attackTactics(t).join(', ')}</span> : null}
              </li>
            ))}
          </ul>
        </dd>
        <dt>Detector</dt>
        <dd>
          {f.detector} <span className="muted">({f.kind})</span>
        </dd>
        <dt>Container</dt>
        <dd>{f.container ? `${visible(f.container.name)} · ${f.container.id.slice(0, 12)}` : 'the engine itself'}</dd>
        {f.firstSeen ? (
          <>
            <dt>First seen</dt>
            <dd>{f.firstSeen}</dd>
          </>
        ) : null}
        <dt>State</dt>
        <dd>
          <span className={`statepill st-${f.state}`}>{f.state}</span>
          {f.suppressedBy ? <span className="muted small"> by {f.suppressedBy}</span> : null}
        </dd>
      </dl>
      <div className="fv-judge" role="group" aria-label="Triage">
        <button
          type="button"
          onClick={() => onJudge('confirmed')}
          disabled={f.state === 'confirmed'}
          data-testid="triage-confirm"
        >
          Confirm <kbd>c</kbd>
        </button>
        <button
          type="button"
          onClick={() => onJudge('false-positive')}
          disabled={f.state === 'false-positive'}
          data-testid="triage-fp"
        >
          False positive <kbd>x</kbd>
        </button>
        <button type="button" onClick={() => onJudge('new')} disabled={f.state === 'new'}>
          Reset <kbd>u</kbd>
        </button>
      </div>
      {respond}
      <h4>Evidence ({f.evidence.length})</h4>
      <ul className="fv-evidence">
        {f.evidence.map((e, i) => {
          const target = evidenceTarget(e.kind);
          return (
            <li key={i}>
              <button
                type="button"
                className="fv-ev"
                onClick={() => onOpen(f, e)}
                data-testid="evidence-link"
                data-kind={e.kind}
                title={`Open in ${target.tab}`}
              >
                <span className="fv-ev-kind" aria-hidden>
                  {EVIDENCE_ICON[e.kind] ?? '•'}
                </span>
                <span className="fv-ev-body">
                  <span className="mono fv-ev-ref">{visible(e.ref)}</span>
                  <span className="fv-ev-excerpt">{visible(e.excerpt)}</span>
                  {e.sha256 ? <span className="mono small muted">sha256 {e.sha256.slice(0, 16)}…</span> : null}
                </span>
                <span className="fv-ev-go">{target.tab} →</span>
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
