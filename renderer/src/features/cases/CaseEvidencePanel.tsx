import { useState } from 'react';
import { useApi } from '../../workbench/api-context.js';
import { useQuery } from '../../lib/use-query.js';
import { ErrorState, Loading } from '../../components/States.js';
import { shown } from '../../lib/visible-text.js';

/**
 * The evidence a case holds for each container, read from the case store rather than a live engine: what an
 * analyst works with when the case came from an offline bundle. Everything is text; nothing is rendered.
 */
export function CaseEvidencePanel({ caseId }: { caseId: string }) {
  const api = useApi();
  const containersQ = useQuery(() => api.call('cases.containers', { caseId }), [caseId]);
  const [containerId, setContainerId] = useState<string>();
  const withEvidence = (containersQ.data ?? []).filter((c) => c.hasEvidence);
  const selected = containerId ?? withEvidence[0]?.id;
  const evQ = useQuery(
    selected ? () => api.call('cases.containerEvidence', { caseId, containerId: selected }) : undefined,
    [caseId, selected],
  );
  if (containersQ.error) return <ErrorState error={containersQ.error} onRetry={containersQ.reload} />;
  if (!containersQ.data) return <Loading what="containers of the case" />;
  if (withEvidence.length === 0) return null;
  const ev = evQ.data;
  const procs = ev?.processes.host ?? ev?.processes.container;
  const sockets = ev?.sockets.at(-1)?.sockets ?? [];
  return (
    <section className="cv-panel cv-wide" aria-label="Recorded evidence" data-testid="case-evidence">
      <h3>Recorded evidence</h3>
      <div className="cv-row">
        <label className="muted small" htmlFor="cv-ev-container">
          Container
        </label>
        <select
          id="cv-ev-container"
          value={selected}
          onChange={(e) => setContainerId(e.target.value)}
          data-testid="case-evidence-container"
        >
          {withEvidence.map((c) => (
            <option key={c.id} value={c.id}>
              {shown(c.name, 120)} · {shown(c.image, 120)} · {shown(c.state, 32)}
            </option>
          ))}
        </select>
        {ev ? (
          <span className="muted small">read via {ev.access === 'host' ? 'host-side files' : 'the Engine API'}</span>
        ) : null}
      </div>
      {evQ.error ? (
        <ErrorState error={evQ.error} onRetry={evQ.reload} />
      ) : !ev ? (
        <Loading what="evidence" />
      ) : (
        <div className="cv-evgrid">
          <div>
            <h4>Processes ({procs?.view ?? 'none'} view)</h4>
            <table className="grid cv-small">
              <thead>
                <tr>
                  <th>PID</th>
                  <th>User</th>
                  <th>Command line</th>
                  <th>Flags</th>
                </tr>
              </thead>
              <tbody>
                {(procs?.processes ?? []).slice(0, 500).map((p) => (
                  <tr key={p.pid}>
                    <td>{p.pid}</td>
                    <td>{shown(p.user, 64)}</td>
                    <td className="mono">{shown(p.cmdline, 1024)}</td>
                    <td className="cv-bad">{p.flags.join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <h4>Sockets</h4>
            <table className="grid cv-small">
              <tbody>
                {sockets.slice(0, 300).map((s) => (
                  <tr key={`${s.protocol}-${s.inode}-${s.localPort}-${s.remoteAddress}:${s.remotePort}`}>
                    <td>{s.protocol}</td>
                    <td className="mono">
                      {s.localAddress}:{s.localPort} → {s.remoteAddress}:{s.remotePort}
                    </td>
                    <td>{s.state}</td>
                    <td>{shown(s.process, 128)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h4>Filesystem changes ({ev.files.length})</h4>
            <ul className="cv-files mono">
              {ev.files.slice(0, 300).map((f) => (
                <li key={`${f.kind}${f.path}`}>
                  {f.kind === 'added' ? 'A' : f.kind === 'deleted' ? 'D' : 'C'} {shown(f.path, 1024)}{' '}
                  {f.flags.length ? <span className="cv-bad">[{f.flags.join(', ')}]</span> : null}
                </li>
              ))}
            </ul>
            <h4>File contents kept ({ev.fileContents.length})</h4>
            <ul className="cv-files mono">
              {ev.fileContents.map((f) => (
                <li key={f.path} title={f.sha256}>
                  {shown(f.path, 1024)} · {f.size} bytes · sha256 {f.sha256.slice(0, 16)}…
                  {f.imageSha256 && f.imageSha256 !== f.sha256 ? (
                    <span className="cv-bad"> differs from image</span>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
