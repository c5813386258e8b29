import { useEffect } from 'react';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { useQuery } from '../../lib/use-query.js';
import { ErrorState, Loading } from '../../components/States.js';
import type { ContainerDetail } from '../../../../shared/domain/container.js';
import { severityRank, type Finding } from '../../../../shared/domain/finding.js';
import { visible } from '../../lib/visible-text.js';
import { LiveStats } from './StatsChart.js';
import { DANGEROUS_CAPS, effectiveCaps } from './capabilities.js';
import '../../lib/common.css';
import { attackLabel } from '../../../../shared/domain/attack-techniques.js';
import './overview.css';

/** Overview of one container from inspect: what it runs, with which privileges, mounts and networks. */
export function ContainerOverview() {
  const api = useApi();
  const { engineId, containerId } = useWorkbench();
  const q = useQuery(engineId && containerId ? () => api.call('containers.inspect', { engineId, containerId }) : undefined, [engineId, containerId]);
  const scan = useQuery(engineId ? () => api.call('scan.latest', { engineId }) : undefined, [engineId]);

  // A start, stop or rename shows up without the analyst reloading; the page keeps its place.
  useEffect(() => {
    if (!engineId || !containerId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offE = api.on('engine.event', (ev) => {
      if (ev.engineId !== engineId || ev.type !== 'container' || !containerId.startsWith(ev.actorId.slice(0, 12))) return;
      clearTimeout(timer);
      timer = setTimeout(q.reload, 400);
    });
    const offS = api.on('scan.progress', (p) => p.phase === 'done' && scan.reload());
    return () => {
      offE();
      offS();
      clearTimeout(timer);
    };
  }, [api, engineId, containerId, q.reload, scan.reload]);

  if (!containerId) return null;
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading what="container" />;
  const findings = (scan.data?.findings ?? []).filter((f) => f.container?.id === containerId).sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const risk = scan.data?.containers.find((c) => c.id === containerId)?.risk ?? q.data.risk;
  return <OverviewBody d={q.data} engineId={engineId!} findings={findings} risk={risk} scanned={Boolean(scan.data)} />;
}

function OverviewBody({ d, engineId, findings, risk, scanned }: { d: ContainerDetail; engineId: string; findings: Finding[]; risk: number | undefined; scanned: boolean }) {
  const wb = useWorkbench();
  const caps = effectiveCaps(d);
  const ns: [string, string][] = [
    ['pid', d.pidMode],
    ['net', d.networkMode],
    ['ipc', d.ipcMode],
    ['uts', d.utsMode],
    ['user', d.usernsMode],
    ['cgroup', d.cgroupnsMode],
  ];
  const rows: [string, string][] = [
    ['ID', d.id],
    ['Image', `${d.image} (${d.imageId.slice(0, 19)})`],
    ['Entrypoint', d.entrypoint.join(' ') || '—'],
    ['Command', d.command],
    ['User', d.user || 'root (image default)'],
    ['Started', d.startedAt ?? '—'],
    ['Host PID', d.hostPid ? String(d.hostPid) : '—'],
    ['Security options', d.securityOpt.join(', ') || 'defaults'],
    ['AppArmor', d.appArmorProfile || '—'],
    ['Root filesystem', d.readonlyRootfs ? 'read-only' : 'writable'],
    ['Devices', d.devices.join(', ') || '—'],
    ['Log driver', `${d.logDriver}${Object.keys(d.logOptions).length ? ` (${Object.entries(d.logOptions).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`],
    ['Restart policy', d.restartPolicy || 'no'],
    ['Auto-remove', d.autoRemove ? 'yes (traces vanish with it)' : 'no'],
  ];
  const openFinding = (f: Finding) => {
    const e = f.evidence.find((x) => ['process', 'file', 'socket'].includes(x.kind));
    if (!e) return;
    wb.setFocus({ kind: e.kind, ref: e.ref });
    wb.openTab(e.kind === 'process' ? 'processes' : e.kind === 'file' ? 'files' : 'network');
  };
  return (
    <div className="overview" data-testid="container-overview">
      <div className="ov-top">
        <div className="ov-title">
          <h2 className="view-title">{visible(d.name)}</h2>
          <div className="ov-badges">
            <span className={`state-pill state-${d.state}`}>{d.state}</span>
            {d.privileged ? <span className="flag flag-bad">privileged</span> : null}
            {d.pidMode === 'host' ? <span className="flag flag-bad">host pid</span> : null}
            {d.networkMode === 'host' ? <span className="flag flag-bad">host network</span> : null}
            {d.mounts.some((m) => m.source === '/var/run/docker.sock' || m.source === '/run/docker.sock') ? <span className="flag flag-bad">docker.sock mounted</span> : null}
            {d.readonlyRootfs ? <span className="flag flag-dim">read-only rootfs</span> : null}
          </div>
          <div className="mono small muted">{visible(d.image)}</div>
        </div>
        <RiskGauge risk={risk} count={findings.length} scanned={scanned} />
      </div>

      <div className="ov-grid">
        <section className="ov-card">
          <h3>Resource use</h3>
          <LiveStats engineId={engineId} containerId={d.id} running={d.state === 'running'} />
        </section>
        <section className="ov-card" data-testid="risk-reasons">
          <h3>Why this risk</h3>
          {!scanned ? (
            <p className="muted small">No scan yet. Run one from the Findings view.</p>
          ) : findings.length === 0 ? (
            <p className="muted small">No findings for this container in the latest scan.</p>
          ) : (
            <ul className="ov-reasons">
              {findings.slice(0, 12).map((f) => (
                <li key={f.id}>
                  <button type="button" className="ov-reason" onClick={() => openFinding(f)} title={visible(f.summary)}>
                    <span className={`sev sev-${f.severity}`}>{f.severity}</span>
                    <span className="ov-reason-title">{visible(f.title)}</span>
                    <span className="small muted" title={f.attack.map(attackLabel).join('\n')}>
                      {f.attack.map(attackLabel).join(' · ')}
                    </span>
                  </button>
                </li>
              ))}
              {findings.length > 12 ? <li className="muted small">and {findings.length - 12} more in Findings</li> : null}
            </ul>
          )}
        </section>
        <section className="ov-card">
          <h3>Capabilities</h3>
          <div className="ov-caps" data-testid="capabilities">
            {caps.caps.map((c) => (
              <span key={c} className={`cap ${DANGEROUS_CAPS.has(c) ? 'danger' : ''} ${caps.added.has(c) ? 'added' : ''}`} title={caps.added.has(c) ? 'added with --cap-add' : 'Docker default'}>
                {c}
              </span>
            ))}
            {caps.caps.length === 0 ? <span className="muted small">none</span> : null}
          </div>
          {caps.dropped.size ? <p className="small muted">dropped: {[...caps.dropped].join(', ')}</p> : null}
        </section>
        <section className="ov-card">
          <h3>Namespaces</h3>
          <table className="ov-ns">
            <tbody>
              {ns.map(([k, v]) => {
                const n = describeNs(k, v);
                return (
                  <tr key={k}>
                    <th>{k}</th>
                    <td className={n.cls}>{n.text}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      </div>

      <table className="kv">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td className="mono">{visible(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Mounts</h3>
      {d.mounts.length === 0 ? (
        <p className="muted">No mounts.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>Type</th>
              <th>Source</th>
              <th>Destination</th>
              <th>Mode</th>
            </tr>
          </thead>
          <tbody>
            {d.mounts.map((m) => (
              <tr key={m.destination} className={m.type === 'bind' && !m.readOnly ? 'ov-rw' : ''}>
                <td>{m.type}</td>
                <td className="mono">{visible(m.source)}</td>
                <td className="mono">{visible(m.destination)}</td>
                <td>{m.readOnly ? 'ro' : 'rw'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Networks</h3>
      {d.networks.length === 0 ? (
        <p className="muted">{d.networkMode === 'none' ? 'No network (--network none).' : 'No networks.'}</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>Network</th>
              <th>Address</th>
              <th>ID</th>
            </tr>
          </thead>
          <tbody>
            {d.networks.map((n) => (
              <tr key={n.networkId || n.name}>
                <td>{visible(n.name)}</td>
                <td className="mono">{n.ipAddress || '—'}</td>
                <td className="mono muted">{n.networkId.slice(0, 12)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Ports</h3>
      {d.ports.length === 0 && d.exposedPorts.length === 0 ? (
        <p className="muted">No ports.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>Container port</th>
              <th>Published on</th>
            </tr>
          </thead>
          <tbody>
            {d.ports.map((p, i) => (
              <tr key={i}>
                <td className="mono">
                  {p.containerPort}/{p.protocol}
                </td>
                <td className={`mono ${p.hostIp === '0.0.0.0' || p.hostIp === '::' ? 'warn' : ''}`}>{p.hostPort ? `${p.hostIp || '0.0.0.0'}:${p.hostPort}` : 'not published'}</td>
              </tr>
            ))}
            {d.exposedPorts
              .filter((e) => !d.ports.some((p) => `${p.containerPort}/${p.protocol}` === e))
              .map((e) => (
                <tr key={e}>
                  <td className="mono">{e}</td>
                  <td className="muted">exposed only</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      <h3>Labels</h3>
      {Object.keys(d.labels).length === 0 ? (
        <p className="muted">No labels.</p>
      ) : (
        <table className="grid">
          <tbody>
            {Object.entries(d.labels).map(([k, v]) => (
              <tr key={k}>
                <td className="mono">{visible(k)}</td>
                <td className="mono">{visible(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** How an analyst should read a namespace mode: sharing the host's pid, net, ipc or uts namespace is an escape path. */
function describeNs(kind: string, mode: string): { text: string; cls: string } {
  if (mode === 'host') {
    // Docker's own default on cgroup v1 hosts, so not alarming by itself.
    if (kind === 'cgroup') return { text: 'host (engine default on cgroup v1)', cls: 'warn' };
    return { text: 'host: shared with the host', cls: 'bad' };
  }
  if (mode.startsWith('container:')) return { text: `shared with ${visible(mode)}`, cls: 'warn' };
  if (!mode) return kind === 'user' ? { text: 'engine default (no remap unless the daemon sets one)', cls: 'muted' } : { text: 'private', cls: '' };
  return { text: visible(mode), cls: '' };
}

function RiskGauge({ risk, count, scanned }: { risk: number | undefined; count: number; scanned: boolean }) {
  const r = Math.max(0, Math.min(100, risk ?? 0));
  const level = !scanned ? 'none' : r >= 70 ? 'critical' : r >= 40 ? 'high' : r >= 15 ? 'medium' : 'low';
  const C = 2 * Math.PI * 26;
  return (
    <div className={`ov-risk lvl-${level}`} data-testid="risk-score" data-risk={scanned ? r : ''} title="Risk score from the findings of the latest scan">
      <svg viewBox="0 0 64 64" width="64" height="64" aria-hidden>
        <circle cx="32" cy="32" r="26" className="track" />
        <circle cx="32" cy="32" r="26" className="val" strokeDasharray={`${(r / 100) * C} ${C}`} transform="rotate(-90 32 32)" />
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
