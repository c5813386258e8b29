import type { ContainerDetail } from '@shared/domain/container.js';
import type { Finding } from '@shared/domain/finding.js';
import { attackLabel } from '@shared/domain/attack-techniques.js';
import { visible } from '../../lib/visible-text.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { DANGEROUS_CAPS, effectiveCaps } from './capabilities.js';

/** The findings behind the risk score, each a jump to the evidence it points at. */
export function RiskReasons({ findings, scanned }: { findings: Finding[]; scanned: boolean }) {
  const wb = useWorkbench();
  const openFinding = (f: Finding) => {
    const e = f.evidence.find((x) => ['process', 'file', 'socket'].includes(x.kind));
    if (!e) return;
    wb.setFocus({ kind: e.kind, ref: e.ref });
    wb.openTab(e.kind === 'process' ? 'processes' : e.kind === 'file' ? 'files' : 'network');
  };
  return (
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
  );
}

/** Effective capabilities: Docker's defaults plus --cap-add, less --cap-drop, the dangerous ones marked. */
export function CapabilitiesCard({ d }: { d: ContainerDetail }) {
  const caps = effectiveCaps(d);
  return (
    <section className="ov-card">
      <h3>Capabilities</h3>
      <div className="ov-caps" data-testid="capabilities">
        {caps.caps.map((c) => (
          <span
            key={c}
            className={`cap ${DANGEROUS_CAPS.has(c) ? 'danger' : ''} ${caps.added.has(c) ? 'added' : ''}`}
            title={caps.added.has(c) ? 'added with --cap-add' : 'Docker default'}
          >
            {c}
          </span>
        ))}
        {caps.caps.length === 0 ? <span className="muted small">none</span> : null}
      </div>
      {caps.dropped.size ? <p className="small muted">dropped: {[...caps.dropped].join(', ')}</p> : null}
    </section>
  );
}

/** The container's namespaces, each read as private, shared with another container, or the host's. */
export function NamespacesCard({ d }: { d: ContainerDetail }) {
  const ns: [string, string][] = [
    ['pid', d.pidMode],
    ['net', d.networkMode],
    ['ipc', d.ipcMode],
    ['uts', d.utsMode],
    ['user', d.usernsMode],
    ['cgroup', d.cgroupnsMode],
  ];
  return (
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
  if (!mode)
    return kind === 'user'
      ? { text: 'engine default (no remap unless the daemon sets one)', cls: 'muted' }
      : { text: 'private', cls: '' };
  return { text: visible(mode), cls: '' };
}
