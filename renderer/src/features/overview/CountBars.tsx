import { scaleLinear } from 'd3';
import type { Severity } from '@shared/domain/finding.js';

export interface Bar {
  key: string;
  label: string;
  count: number;
  severity: Severity;
  title?: string;
}

/** Horizontal bars sized by a d3 linear scale; each bar is a button that opens Findings filtered to it. */
export function CountBars({
  bars,
  label,
  onPick,
  testId,
}: {
  bars: Bar[];
  label: string;
  onPick(key: string): void;
  testId: string;
}) {
  const x = scaleLinear()
    .domain([0, Math.max(1, ...bars.map((b) => b.count))])
    .range([0, 100]);
  return (
    <ul className="eo-bars" aria-label={label} data-testid={testId}>
      {bars.map((b) => (
        <li key={b.key}>
          <button
            type="button"
            className="eo-bar"
            onClick={() => onPick(b.key)}
            disabled={b.count === 0}
            title={b.title ?? `${b.label}: ${b.count}`}
            data-key={b.key}
            data-count={b.count}
          >
            <span className="eo-bar-label">{b.label}</span>
            <span className="eo-bar-track" aria-hidden>
              <svg viewBox="0 0 100 10" preserveAspectRatio="none">
                <rect
                  className={`fill-${b.severity}`}
                  x={0}
                  y={1}
                  height={8}
                  width={b.count ? Math.max(1, x(b.count)) : 0}
                />
              </svg>
            </span>
            <span className="eo-num">{b.count}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
