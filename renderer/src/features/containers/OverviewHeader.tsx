import type { ContainerDetail } from '@shared/domain/container.js';
import { visible } from '../../lib/visible-text.js';

/** Name, state, the flags that matter most (privileged, host namespaces, the Docker socket) and the risk gauge. */
export function OverviewHeader({
  d,
  risk,
  count,
  scanned,
}: {
  d: ContainerDetail;
  risk: number | undefined;
  count: number;
  scanned: boolean;
}) {
  return (
    <div className="ov-top">
      <div className="ov-title">
        <h2 className="view-title">{visible(d.name)}</h2>
        <div className="ov-badges">
          <span className={`state-pill state-${d.state}`}>{d.state}</span>
          {d.privileged ? <span className="flag flag-bad">privileged</span> : null}
          {d.pidMode === 'host' ? <span className="flag flag-bad">host pid</span> : null}
          {d.networkMode === 'host' ? <span className="flag flag-bad">host network</span> : null}
          {d.mounts.some((m) => m.source === '/var/run/docker.sock' || m.source === '/run/docker.sock') ? (
            <span className="flag flag-bad">docker.sock mounted</span>
          ) : null}
          {d.readonlyRootfs ? <span className="flag flag-dim">read-only rootfs</span> : null}
        </div>
        <div className="mono small muted">{visible(d.image)}</div>
      </div>
      <RiskGauge risk={risk} count={count} scanned={scanned} />
    </div>
  );
}

function RiskGauge({ risk, count, scanned }: { risk: number | undefined; count: number; scanned: boolean }) {
  const r = Math.max(0, Math.min(100, risk ?? 0));
  const level = !scanned ? 'none' : r >= 70 ? 'critical' : r >= 40 ? 'high' : r >= 15 ? 'medium' : 'low';
  const C = 2 * Math.PI * 26;
  return (
    <div
      className={`ov-risk lvl-${level}`}
      data-testid="risk-score"
      data-risk={scanned ? r : ''}
      title="Risk score from the findings of the latest scan"
    >
      <svg viewBox="0 0 64 64" width="64" height="64" aria-hidden>
        <circle cx="32" cy="32" r="26" className="track" />
        <circle
          cx="32"
          cy="32"
          r="26"
          className="val"
          strokeDasharray={`${(r / 100) * C} ${C}`}
          transform="rotate(-90 32 32)"
        />
        <text x="32" y="37" textAnchor="middle">
          {scanned ? Math.round(r) : '–'}
        </text>
      </svg>
      <div className="small">
        <b>risk</b>
        <div className="muted">{scanned ? `${count} finding${count === 1 ? '' : 's'}` : 'not scanned'}</div>
      </div>
    </div>
  );
}
