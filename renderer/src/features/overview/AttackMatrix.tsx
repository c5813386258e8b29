import { useMemo } from 'react';
import { scaleOrdinal } from 'd3';
import { SEVERITIES, type Finding, type Severity } from '@shared/domain/finding.js';
import { ATTACK_VERSION } from '@shared/domain/attack-techniques.js';
import { attackMatrix, type MatrixCell } from './overview-model.js';

/** Worst severity to a cell class; d3's ordinal scale keeps the mapping in one place with the legend. */
const tone = scaleOrdinal<Severity, string>()
  .domain(SEVERITIES)
  .range(SEVERITIES.map((s) => `cell-${s}`));

/**
 * The ATT&CK matrix of what the findings show: tactics as columns, techniques with their finding counts, coloured
 * by the worst severity seen. Each technique is a button that opens Findings filtered to it.
 */
export function AttackMatrix({ findings, onPick }: { findings: Finding[]; onPick(technique: string): void }) {
  const { columns, unmapped } = useMemo(() => attackMatrix(findings), [findings]);
  if (columns.length === 0 && unmapped.length === 0)
    return <p className="muted small">No techniques in the findings.</p>;
  const cell = (c: MatrixCell, tactic: string) => (
    <li key={c.id}>
      <button
        type="button"
        className={`eo-tech ${tone(c.worst)}`}
        onClick={() => onPick(c.id)}
        title={`${c.id} ${c.fullName}: ${c.count} finding(s), worst ${c.worst}`}
        data-testid="matrix-cell"
        data-technique={c.id}
        data-tactic={tactic}
        data-count={c.count}
      >
        <span className="eo-tech-id">{c.id}</span>
        <span className="eo-tech-name">{c.name}</span>
        <span className="eo-tech-count" aria-label={`${c.count} findings, worst ${c.worst}`}>
          {c.count}
        </span>
      </button>
    </li>
  );
  return (
    <div className="eo-matrix-wrap">
      <div className="eo-matrix" data-testid="attack-matrix">
        {columns.map((col) => (
          <section
            key={col.tactic}
            className="eo-tactic"
            aria-label={`${col.tactic}: ${col.techniques.length} techniques`}
          >
            <h4>
              {col.tactic} <span className="muted">{col.techniques.length}</span>
            </h4>
            <ul>{col.techniques.map((c) => cell(c, col.tactic))}</ul>
          </section>
        ))}
        {unmapped.length ? (
          <section className="eo-tactic" aria-label="Techniques not in the bundled table">
            <h4>Unmapped</h4>
            <ul>{unmapped.map((c) => cell(c, ''))}</ul>
          </section>
        ) : null}
      </div>
      <div className="eo-legend small muted">
        ATT&amp;CK Enterprise v{ATTACK_VERSION} · worst severity:
        {[...SEVERITIES].reverse().map((s) => (
          <span key={s} className={`eo-legend-item ${tone(s)}`}>
            {s}
          </span>
        ))}
      </div>
    </div>
  );
}
