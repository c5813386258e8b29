import { describe, expect, it } from 'vitest';
import { buildNetworkGraph, type ContainerSockets } from '../../../electron/engine/investigate/network-graph.js';
import { edgesForSocketRef, parseSocketEvidence } from '../../../renderer/src/features/network/socket-ref.js';
import { markGraph } from '../../../renderer/src/features/network/graph-marks.js';
import type { Finding } from '@shared/domain/finding.js';
import { eventItem } from '../../../renderer/src/features/timeline/timeline-items.js';
import { eventRefInfo, itemForEventRef } from '../../../renderer/src/features/timeline/event-ref.js';
import type { SocketInfo } from '@shared/domain/network.js';
import type { EngineEvent } from '@shared/domain/event.js';

const sock = (p: Partial<SocketInfo>): SocketInfo => ({
  protocol: 'tcp',
  localAddress: '127.0.0.1',
  localPort: 0,
  remoteAddress: '0.0.0.0',
  remotePort: 0,
  state: 'ESTABLISHED',
  inode: 1,
  ...p,
});
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('socket evidence refs', () => {
  it('reads every format the detectors write', () => {
    expect(parseSocketEvidence('tcp 127.0.0.1:51440 -> 127.0.0.1:4444')).toEqual({
      protocol: 'tcp',
      local: { address: '127.0.0.1', port: 51440 },
      remote: { address: '127.0.0.1', port: 4444 },
    });
    expect(parseSocketEvidence('tcp6 [::]:8080')).toEqual({ protocol: 'tcp6', local: { address: '::', port: 8080 } });
    expect(parseSocketEvidence('203.0.113.9:443')).toEqual({ remote: { address: '203.0.113.9', port: 443 } });
    expect(parseSocketEvidence('4444')).toEqual({ port: 4444 });
    expect(parseSocketEvidence('tcp ::ffff:10.0.0.1:5 -> ::ffff:10.0.0.2:6').remote).toEqual({
      address: '10.0.0.2',
      port: 6,
    });
  });

  // A loopback reverse shell in one container, plus an unrelated container talking to the same port elsewhere.
  const shell: ContainerSockets = {
    id: A,
    name: 'shell',
    networks: [],
    socketsKnown: true,
    sockets: [
      sock({ localPort: 51440, remoteAddress: '127.0.0.1', remotePort: 4444, inode: 2, pid: 10, process: 'sh' }),
      sock({ localPort: 4444, remoteAddress: '127.0.0.1', remotePort: 51440, inode: 3, pid: 9, process: 'nc' }),
      sock({ localAddress: '0.0.0.0', localPort: 8080, state: 'LISTEN', inode: 4, pid: 11, process: 'httpd' }),
    ],
  };
  const other: ContainerSockets = {
    id: B,
    name: 'other',
    networks: [],
    socketsKnown: true,
    sockets: [
      sock({ localPort: 40000, remoteAddress: '127.0.0.1', remotePort: 4444, inode: 5, pid: 20, process: 'curl' }),
    ],
  };
  const graph = buildNetworkGraph('e', [shell, other], { access: 'host' });

  it('finds the exact connection, in the container the finding is about', () => {
    const hits = edgesForSocketRef(graph, 'tcp 127.0.0.1:51440 -> 127.0.0.1:4444', A);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]!.kind).toBe('connection');
    expect(hits[0]!.source).toBe(`p:${A}:10`);
    expect(hits.every((e) => e.source.includes(A) || e.target.includes(A))).toBe(true);
    // The same ref seen from the server side of the session still resolves to it.
    expect(edgesForSocketRef(graph, 'tcp 127.0.0.1:4444 -> 127.0.0.1:51440', A)[0]!.source).toBe(`p:${A}:10`);
  });

  it('colours the connection a detector-format ref names, and only it', () => {
    const f: Finding = {
      id: 'f1',
      detector: 'reverse-shell',
      title: 'Reverse or bind shell',
      severity: 'critical',
      attack: ['T1095'],
      kind: 'live',
      container: { id: A, name: 'shell' },
      evidence: [{ kind: 'socket', ref: 'tcp 127.0.0.1:51440 -> 127.0.0.1:4444', excerpt: '' }],
      summary: '',
      state: 'new',
    };
    const m = markGraph(graph, [f]);
    const marked = [...m.edges.keys()];
    expect(marked).toHaveLength(1);
    expect(graph.edges.find((e) => e.id === marked[0])!.source).toBe(`p:${A}:10`);
  });

  it('finds listeners by port and nothing for a port nobody uses', () => {
    const hits = edgesForSocketRef(graph, 'tcp 0.0.0.0:8080', A);
    expect(hits[0]!.kind).toBe('listen');
    expect(hits[0]!.localPort).toBe(8080);
    expect(edgesForSocketRef(graph, 'tcp 0.0.0.0:9999', A)).toEqual([]);
    expect(edgesForSocketRef(graph, 'udp 127.0.0.1:1 -> 127.0.0.1:4444', A)).toEqual([]);
  });
});

describe('event evidence refs', () => {
  const ev = (p: Partial<EngineEvent>): EngineEvent =>
    ({
      type: 'container',
      action: 'start',
      actorId: A,
      attributes: {},
      time: '2026-01-01T10:00:00Z',
      timeNano: Date.parse('2026-01-01T10:00:00Z') * 1e6,
      ...p,
    }) as EngineEvent;
  const exec = 'e'.repeat(64);
  const items = [
    ev({ action: 'create', time: '2026-01-01T09:59:59Z', timeNano: Date.parse('2026-01-01T09:59:59Z') * 1e6 }),
    ev({ action: 'exec_create: sh', attributes: { execID: exec } }),
    ev({
      action: 'exec_start: sh',
      attributes: { execID: exec },
      timeNano: Date.parse('2026-01-01T10:00:00Z') * 1e6 + 1000,
    }),
    ev({ action: 'exec_die', attributes: { execID: exec }, timeNano: Date.parse('2026-01-01T10:00:00Z') * 1e6 + 2000 }),
    ev({ action: 'commit', time: '2026-01-01T10:05:00Z', timeNano: Date.parse('2026-01-01T10:05:00.300Z') * 1e6 }),
  ].map(eventItem);

  it('resolves exec ids to the exec_start event', () => {
    expect(itemForEventRef(items, exec)?.label).toBe('container exec_start: sh');
  });
  it('resolves type/action@time and short container ids', () => {
    expect(itemForEventRef(items, 'container/commit@2026-01-01T10:05:00Z')?.label).toBe('container commit');
    expect(itemForEventRef(items, `container ${A.slice(0, 12)}`)?.label).toBe('container create');
    expect(itemForEventRef(items, 'container/commit@2026-01-01T11:05:00Z')).toBeUndefined();
    expect(itemForEventRef(items, 'f'.repeat(64))).toBeUndefined();
  });
  it('gives a time to widen the window to when the item is not loaded', () => {
    expect(eventRefInfo('image/load@2026-01-01T10:05:00Z').time).toBe(Date.parse('2026-01-01T10:05:00Z'));
    expect(eventRefInfo(`container ${A.slice(0, 12)}`).containerPrefix).toBe(A.slice(0, 12));
    expect(eventRefInfo(exec)).toEqual({});
  });
});
