import { describe, expect, it } from 'vitest';
import { buildNetworkGraph, type ContainerSockets } from '../../../electron/engine/investigate/network-graph.js';
import { defaultFilter, filterGraph } from '../../../renderer/src/features/network/graph-filter.js';
import { markGraph, parseSocketRef } from '../../../renderer/src/features/network/graph-marks.js';
import type { SocketInfo } from '@shared/domain/network.js';
import type { Finding } from '@shared/domain/finding.js';

const sock = (p: Partial<SocketInfo>): SocketInfo => ({
  protocol: 'tcp',
  localAddress: '172.19.0.2',
  localPort: 0,
  remoteAddress: '0.0.0.0',
  remotePort: 0,
  state: 'ESTABLISHED',
  inode: 1,
  ...p,
});
const id = 'a'.repeat(64);
const c: ContainerSockets = {
  id,
  name: 'web',
  networks: [{ name: 'n', ipAddress: '172.19.0.2', networkId: 'n' }],
  socketsKnown: true,
  sockets: [
    sock({ localPort: 8080, state: 'LISTEN', inode: 1, pid: 5, process: 'httpd', localAddress: '0.0.0.0' }),
    sock({ localPort: 50000, remoteAddress: '203.0.113.9', remotePort: 4444, inode: 2, pid: 6, process: 'sh' }),
    sock({
      localPort: 50001,
      remoteAddress: '198.51.100.1',
      remotePort: 443,
      inode: 3,
      pid: 6,
      process: 'sh',
      state: 'TIME_WAIT',
    }),
  ],
};
const graph = buildNetworkGraph('e', [c], { access: 'host' });

describe('graph filter', () => {
  it('filters by port, state and direction and drops orphaned nodes', () => {
    const f = defaultFilter();
    expect(filterGraph(graph, f).edges.filter((e) => e.kind === 'connection')).toHaveLength(2);
    const byPort = filterGraph(graph, { ...f, port: 4444 });
    expect(byPort.edges.filter((e) => e.kind === 'connection').map((e) => e.remotePort)).toEqual([4444]);
    expect(byPort.nodes.some((n) => n.id === 'e:198.51.100.1')).toBe(false);
    expect(byPort.nodes.some((n) => n.kind === 'container')).toBe(true);
    expect(filterGraph(graph, { ...f, state: 'TIME_WAIT' }).edges.filter((e) => e.kind === 'connection')).toHaveLength(
      1,
    );
    expect(
      filterGraph(graph, { ...f, directions: new Set(['listen']) }).edges.every((e) => e.kind !== 'connection'),
    ).toBe(true);
    expect(filterGraph(graph, { ...f, hideIdle: true, port: 1 }).nodes).toHaveLength(0);
  });
  it('collapses processes into their container', () => {
    const g = filterGraph(graph, { ...defaultFilter(), processes: false });
    expect(g.nodes.some((n) => n.kind === 'process')).toBe(false);
    expect(g.edges.filter((e) => e.kind === 'connection').every((e) => e.source === `c:${id}`)).toBe(true);
  });
});

describe('finding marks', () => {
  it('parses socket references', () => {
    expect(parseSocketRef('203.0.113.9:4444')).toEqual({ address: '203.0.113.9', port: 4444 });
    expect(parseSocketRef('[::1]:80')).toEqual({ address: '::1', port: 80 });
    expect(parseSocketRef(':4444')).toEqual({ address: '', port: 4444 });
  });
  it('colours the container, the socket edge and the endpoint by the worst severity', () => {
    const f = (sev: Finding['severity'], ref: string, state: Finding['state'] = 'new'): Finding => ({
      id: ref + sev,
      detector: 'd',
      title: `t-${sev}`,
      severity: sev,
      attack: ['T1095'],
      kind: 'live',
      container: { id, name: 'web' },
      evidence: [{ kind: 'socket', ref, excerpt: '' }],
      summary: '',
      state,
    });
    const m = markGraph(graph, [
      f('medium', '203.0.113.9:4444'),
      f('critical', '203.0.113.9:4444'),
      f('high', '198.51.100.1:443', 'false-positive'),
    ]);
    expect(m.nodes.get(`c:${id}`)).toBe('critical');
    expect(m.nodes.get('e:203.0.113.9')).toBe('critical');
    expect(m.nodes.has('e:198.51.100.1')).toBe(false);
    const edge = graph.edges.find((e) => e.remotePort === 4444)!;
    expect(m.edges.get(edge.id)).toBe('critical');
    expect(m.titles.get(edge.id)).toEqual(['t-medium', 't-critical']);
  });
});
