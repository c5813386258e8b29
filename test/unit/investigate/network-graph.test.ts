import { describe, expect, it } from 'vitest';
import {
  buildNetworkGraph,
  isPrivateAddress,
  type ContainerSockets,
} from '../../../electron/engine/investigate/network-graph.js';
import { parseGraphSockets as parseProcNet, unmapIpv4 } from '../../../electron/engine/investigate/network-proc.js';
import { decodeAddress } from '../../../electron/engine/collect/proc-parse.js';

const decodeProcAddress = (hex: string) => {
  const a = decodeAddress(hex);
  return { ...a, address: unmapIpv4(a.address) };
};
import type { SocketInfo } from '@shared/domain/network.js';

const sock = (p: Partial<SocketInfo>): SocketInfo => ({
  protocol: 'tcp',
  localAddress: '0.0.0.0',
  localPort: 0,
  remoteAddress: '0.0.0.0',
  remotePort: 0,
  state: 'ESTABLISHED',
  inode: 1,
  ...p,
});
const ctr = (
  id: string,
  ip: string,
  sockets: SocketInfo[],
  extra: Partial<ContainerSockets> = {},
): ContainerSockets => ({
  id: id.padEnd(64, '0'),
  name: `n-${id}`,
  networks: [{ name: 'backend', ipAddress: ip, networkId: 'net1' }],
  sockets,
  socketsKnown: true,
  ...extra,
});

describe('/proc/net parsing', () => {
  it('decodes little-endian IPv4, IPv6 and IPv4-mapped addresses', () => {
    expect(decodeProcAddress('0100007F:1F90')).toEqual({ address: '127.0.0.1', port: 8080 });
    expect(decodeProcAddress('00000000000000000000000001000000:0050')).toEqual({ address: '::1', port: 80 });
    expect(decodeProcAddress('0000000000000000FFFF00000200A8C0:01BB')).toEqual({ address: '192.168.0.2', port: 443 });
  });
  it('parses rows, states and inodes and skips garbage', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0 100 0 0 10 0',
      '   1: 030013AC:EA58 020013AC:2328 01 00000000:00000000 00:00000000 00000000     0        0 777 1 0 20 4 0 10 -1',
      'garbage line',
    ].join('\n');
    const rows = parseProcNet(text, 'tcp');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ localPort: 9000, state: 'LISTEN', inode: 555 });
    expect(rows[1]).toMatchObject({
      localAddress: '172.19.0.3',
      remoteAddress: '172.19.0.2',
      remotePort: 9000,
      state: 'ESTABLISHED',
      inode: 777,
    });
    expect(parseProcNet(text.replace(' 0A ', ' 07 '), 'udp')[0]!.state).toBe('UNCONN');
  });
});

describe('network graph', () => {
  it('draws one internal edge from the client process to the server listener', () => {
    const server = ctr('a', '172.19.0.2', [
      sock({ localPort: 9000, state: 'LISTEN', inode: 10, pid: 100, process: 'nc' }),
      sock({
        localAddress: '172.19.0.2',
        localPort: 9000,
        remoteAddress: '172.19.0.3',
        remotePort: 40000,
        inode: 11,
        pid: 100,
        process: 'nc',
      }),
    ]);
    const client = ctr('b', '172.19.0.3', [
      sock({
        localAddress: '172.19.0.3',
        localPort: 40000,
        remoteAddress: '172.19.0.2',
        remotePort: 9000,
        inode: 20,
        pid: 200,
        process: 'sh',
      }),
    ]);
    const g = buildNetworkGraph('e', [server, client], { access: 'host' });
    const conns = g.edges.filter((e) => e.kind === 'connection');
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({
      source: `p:${client.id}:200`,
      target: expect.stringContaining(':tcp:9000'),
      direction: 'internal',
    });
    expect(g.nodes.find((n) => n.id === conns[0]!.target)?.containerId).toBe(server.id);
    expect(g.groups).toEqual([{ id: 'n:net1', name: 'backend', members: [`c:${server.id}`, `c:${client.id}`] }]);
  });

  it('infers the service side when a one-shot server closed its listener', () => {
    const server = ctr('a', '172.19.0.2', [
      sock({
        protocol: 'tcp6',
        localAddress: '172.19.0.2',
        localPort: 9000,
        remoteAddress: '172.19.0.3',
        remotePort: 43018,
        inode: 11,
        pid: 100,
        process: 'nc',
      }),
    ]);
    const client = ctr('b', '172.19.0.3', [
      sock({
        localAddress: '172.19.0.3',
        localPort: 43018,
        remoteAddress: '172.19.0.2',
        remotePort: 9000,
        inode: 20,
        pid: 200,
        process: 'sleep',
      }),
    ]);
    const g = buildNetworkGraph('e', [server, client], { access: 'host' });
    const conns = g.edges.filter((e) => e.kind === 'connection');
    expect(conns).toHaveLength(1);
    expect(conns[0]!.source).toBe(`p:${client.id}:200`);
    // The server process is tied to its service port.
    expect(
      g.edges.some((e) => e.kind === 'listen' && e.source === `p:${server.id}:100` && e.target === conns[0]!.target),
    ).toBe(true);
  });

  it('marks public endpoints external, folds duplicate sockets and skips Docker DNS', () => {
    const c = ctr('a', '172.19.0.2', [
      sock({
        localAddress: '172.19.0.2',
        localPort: 50000,
        remoteAddress: '203.0.113.9',
        remotePort: 4444,
        inode: 1,
        pid: 7,
        process: 'sh',
      }),
      sock({
        localAddress: '172.19.0.2',
        localPort: 50001,
        remoteAddress: '203.0.113.9',
        remotePort: 4444,
        inode: 2,
        pid: 7,
        process: 'sh',
      }),
      sock({
        localAddress: '172.19.0.2',
        localPort: 50002,
        remoteAddress: '10.1.2.3',
        remotePort: 5432,
        inode: 3,
        pid: 7,
        process: 'sh',
      }),
      sock({ localAddress: '127.0.0.11', localPort: 38243, state: 'LISTEN', inode: 4 }),
    ]);
    const g = buildNetworkGraph('e', [c], { access: 'host' });
    const out = g.edges.filter((e) => e.kind === 'connection');
    expect(out.find((e) => e.target === 'e:203.0.113.9')).toMatchObject({ direction: 'outbound', count: 2 });
    expect(g.nodes.find((n) => n.id === 'e:203.0.113.9')?.external).toBe(true);
    expect(g.nodes.find((n) => n.id === 'e:10.1.2.3')?.external).toBe(false);
    expect(g.nodes.some((n) => n.label.includes('38243'))).toBe(false);
  });

  it('draws an inbound session from outside to the listener', () => {
    const c = ctr('a', '172.19.0.2', [
      sock({ localPort: 8080, state: 'LISTEN', inode: 1, pid: 5, process: 'httpd' }),
      sock({
        localAddress: '172.19.0.2',
        localPort: 8080,
        remoteAddress: '198.51.100.7',
        remotePort: 51000,
        inode: 2,
        pid: 5,
        process: 'httpd',
      }),
    ]);
    const g = buildNetworkGraph('e', [c], { access: 'host' });
    expect(g.edges.find((e) => e.kind === 'connection')).toMatchObject({
      source: 'e:198.51.100.7',
      direction: 'inbound',
    });
  });

  it('draws loopback sessions in a shared namespace once', () => {
    const shared = [
      sock({ localAddress: '127.0.0.1', localPort: 7000, state: 'LISTEN', inode: 1, pid: 10, process: 'srv' }),
      sock({
        localAddress: '127.0.0.1',
        localPort: 7000,
        remoteAddress: '127.0.0.1',
        remotePort: 45000,
        inode: 2,
        pid: 10,
        process: 'srv',
      }),
      sock({
        localAddress: '127.0.0.1',
        localPort: 45000,
        remoteAddress: '127.0.0.1',
        remotePort: 7000,
        inode: 3,
        pid: 11,
        process: 'cli',
      }),
    ];
    const a = ctr('a', '172.19.0.2', shared, { netns: 'net:[1]' });
    const b = ctr('b', '', shared, { netns: 'net:[1]', networks: [] });
    const g = buildNetworkGraph('e', [a, b], { access: 'host' });
    expect(g.edges.filter((e) => e.kind === 'connection')).toHaveLength(1);
  });

  it('bounds the graph and reports what it cut', () => {
    const sockets = Array.from({ length: 6000 }, (_, i) =>
      sock({
        localAddress: '172.19.0.2',
        localPort: 30000 + (i % 20000),
        remoteAddress: `203.0.${Math.floor(i / 250)}.${i % 250}`,
        remotePort: 443,
        inode: i + 1,
      }),
    );
    const g = buildNetworkGraph('e', [ctr('a', '172.19.0.2', sockets)], { access: 'host' });
    expect(g.nodes.length).toBe(5000);
    expect(g.truncated.nodes).toBeGreaterThan(0);
  });

  it('classifies private address ranges', () => {
    for (const a of ['10.0.0.1', '172.16.5.5', '192.168.1.1', '127.0.0.1', '::1', 'fd00::1', '169.254.1.1'])
      expect(isPrivateAddress(a)).toBe(true);
    for (const a of ['8.8.8.8', '172.32.0.1', '2001:db8::1']) expect(isPrivateAddress(a)).toBe(false);
  });
});
