import type { ContainerDetail } from '@shared/domain/container.js';
import { visible } from '../../lib/visible-text.js';

/** What the container runs and how: image, command, user, security options, logging, restart. */
export function ConfigTable({ d }: { d: ContainerDetail }) {
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
    [
      'Log driver',
      `${d.logDriver}${
        Object.keys(d.logOptions).length
          ? ` (${Object.entries(d.logOptions)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')})`
          : ''
      }`,
    ],
    ['Restart policy', d.restartPolicy || 'no'],
    ['Auto-remove', d.autoRemove ? 'yes (traces vanish with it)' : 'no'],
  ];
  return (
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
  );
}

/** Mounts, with writable bind mounts marked. */
export function MountsTable({ d }: { d: ContainerDetail }) {
  return (
    <>
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
    </>
  );
}

/** The networks the container joined and its address on each. */
export function NetworksTable({ d }: { d: ContainerDetail }) {
  return (
    <>
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
    </>
  );
}

/** Published ports, those on every address marked, then ports only exposed. */
export function PortsTable({ d }: { d: ContainerDetail }) {
  return (
    <>
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
                <td className={`mono ${p.hostIp === '0.0.0.0' || p.hostIp === '::' ? 'warn' : ''}`}>
                  {p.hostPort ? `${p.hostIp || '0.0.0.0'}:${p.hostPort}` : 'not published'}
                </td>
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
    </>
  );
}

/** Labels, as text. */
export function LabelsTable({ d }: { d: ContainerDetail }) {
  return (
    <>
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
    </>
  );
}
