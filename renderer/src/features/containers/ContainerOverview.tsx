import { useApi } from '../../app/api-context.js';
import { useWorkbench } from '../../app/workbench.js';
import { useQuery } from '../../lib/use-query.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import type { ContainerDetail } from '../../../../shared/domain/container.js';

/** Overview of one container from inspect: what it runs, with which privileges, mounts and networks. */
export function ContainerOverview() {
  const api = useApi();
  const { engineId, containerId } = useWorkbench();
  const q = useQuery(engineId && containerId ? () => api.call('containers.inspect', { engineId, containerId }) : undefined, [engineId, containerId]);
  if (!containerId) return <Empty title="Select a container">Pick one in the left rail (j/k to move).</Empty>;
  if (q.error) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading what="container" />;
  return <OverviewBody d={q.data} />;
}

function OverviewBody({ d }: { d: ContainerDetail }) {
  const rows: [string, string][] = [
    ['Name', d.name],
    ['ID', d.id],
    ['Image', `${d.image} (${d.imageId.slice(0, 19)})`],
    ['State', `${d.state}${d.startedAt ? ` since ${d.startedAt}` : ''}`],
    ['Command', d.command],
    ['User', d.user || 'root (image default)'],
    ['Privileged', d.privileged ? 'yes' : 'no'],
    ['Capabilities added', d.capAdd.join(', ') || '—'],
    ['Capabilities dropped', d.capDrop.join(', ') || '—'],
    ['Namespaces', `pid=${d.pidMode || 'private'} net=${d.networkMode || 'default'} ipc=${d.ipcMode || 'private'}`],
    ['Security options', d.securityOpt.join(', ') || 'defaults'],
    ['Log driver', d.logDriver],
    ['Restart policy', d.restartPolicy || 'no'],
    ['Host PID', d.hostPid ? String(d.hostPid) : '—'],
  ];
  return (
    <div className="overview" data-testid="container-overview">
      <h2 className="view-title">{d.name}</h2>
      <table className="kv">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td className="mono">{v}</td>
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
              <tr key={m.destination}>
                <td>{m.type}</td>
                <td className="mono">{m.source}</td>
                <td className="mono">{m.destination}</td>
                <td>{m.readOnly ? 'ro' : 'rw'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Networks and ports</h3>
      <p className="mono">{d.networks.map((n) => `${n.name} ${n.ipAddress}`).join(' · ') || 'none'}</p>
      <p className="mono">{d.ports.map((p) => `${p.containerPort}/${p.protocol}${p.hostPort ? ` → ${p.hostIp}:${p.hostPort}` : ''}`).join(' · ') || 'no ports'}</p>
      <h3>Labels</h3>
      <table className="grid">
        <tbody>
          {Object.entries(d.labels).map(([k, v]) => (
            <tr key={k}>
              <td className="mono">{k}</td>
              <td className="mono">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
