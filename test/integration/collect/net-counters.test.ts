import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyByCounters, parseNetTables, readNetTables } from '../../../electron/engine/collect/sockets.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';

const SUITE = 'net-counters';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each container's namespace holds one kind of socket (or none); every one runs with --network none. */
const SCRIPTS = {
  none: 'exec sleep 3600',
  // An IPv4-only listener: busybox httpd bound to the loopback address.
  tcp4: 'exec httpd -f -p 127.0.0.1:7001',
  // Without an address busybox nc listens on the IPv6 wildcard.
  tcp6: 'mkfifo /tmp/f; sleep 3600 > /tmp/f & exec nc -l -p 7002 < /tmp/f',
  // busybox syslogd forwarding to a loopback port holds a bound UDP socket once it has sent a message.
  udp4: "syslogd -n -R 127.0.0.1:7003 & until grep -q '^ *[0-9]*: ' /proc/net/udp; do logger x; sleep 0.1; done; exec sleep 3600",
  // The listener ends after one connection: only a TIME_WAIT row remains.
  timeWait: 'nc -l -p 7004 > /dev/null & until echo x | nc 127.0.0.1 7004; do sleep 0.1; done; exec sleep 3600',
} as const;

/** A table's rows as the kernel shows them now, read whatever the counters say. */
const rows = (pid: number, table: string) =>
  readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1).filter(Boolean);

describe('socket tables skipped by namespace counters', () => {
  const pids: Record<string, number> = {};
  beforeAll(async () => {
    await removeSuite(SUITE);
    for (const [name, script] of Object.entries(SCRIPTS)) {
      const c = await runContainer({ suite: SUITE, cmd: ['sh', '-c', script] });
      pids[name] = (await c.inspect()).State.Pid;
    }
    // Settled: every socket a container makes is up (and the TIME_WAIT one has closed) before anything is compared.
    const states = (name: string, table: string) => rows(pids[name]!, table).map((r) => r.trim().split(/\s+/)[3]);
    const unsettled = () => {
      // Whichever side closes first keeps the TIME_WAIT row: the client's (IPv4) or the listener's (IPv6).
      const tcpStates = [...states('timeWait', 'tcp'), ...states('timeWait', 'tcp6')];
      return [
        states('tcp4', 'tcp').length === 1 ? '' : 'tcp4',
        states('tcp6', 'tcp6').length === 1 ? '' : 'tcp6',
        states('udp4', 'udp').length === 1 ? '' : 'udp4',
        tcpStates.length > 0 && tcpStates.every((st) => st === '06') ? '' : 'timeWait',
      ].filter(Boolean);
    };
    for (let i = 0; i < 150 && unsettled().length; i++) await sleep(100);
    expect(unsettled()).toEqual([]);
  }, 60_000);
  afterAll(() => removeSuite(SUITE));

  it('skips only tables the kernel shows empty, in real namespaces of every kind', () => {
    const skipped = (name: string) =>
      emptyByCounters(
        readFileSync(`/proc/${pids[name]}/net/sockstat`, 'utf8'),
        readFileSync(`/proc/${pids[name]}/net/sockstat6`, 'utf8'),
      );
    for (const [name, pid] of Object.entries(pids)) {
      const empty = skipped(name);
      for (const table of ['tcp', 'tcp6', 'udp', 'udp6'] as const)
        if (empty.has(table)) expect(rows(pid, table), `${name} ${table}`).toEqual([]);
      if (name === 'none') expect([...empty].sort()).toEqual(['tcp', 'tcp6', 'udp', 'udp6']);
    }
    // The family that has the socket is read; the other one is not.
    expect(skipped('tcp4').has('tcp')).toBe(false);
    expect(skipped('tcp4').has('tcp6')).toBe(true);
    expect(skipped('tcp6').has('tcp6')).toBe(false);
    expect(skipped('tcp6').has('tcp')).toBe(true);
    expect(skipped('udp4').has('udp')).toBe(false);
    expect(skipped('timeWait').has('tcp') || skipped('timeWait').has('tcp6')).toBe(false);
  });

  it('still finds every socket: listeners of both families, bound UDP and TIME_WAIT', async () => {
    const sockets = async (name: keyof typeof SCRIPTS) =>
      parseNetTables((await readNetTables('/proc', pids[name]!)).tables);
    expect(await sockets('none')).toEqual([]);
    expect((await sockets('tcp4')).map((s) => [s.protocol, s.localPort, s.state])).toEqual([['tcp', 7001, 'LISTEN']]);
    expect((await sockets('tcp6')).map((s) => [s.protocol, s.localPort, s.state])).toEqual([['tcp6', 7002, 'LISTEN']]);
    expect((await sockets('udp4')).some((s) => s.protocol === 'udp' && s.remotePort === 0)).toBe(true);
    expect(
      (await sockets('timeWait')).some(
        (s) => s.state === 'TIME_WAIT' && (s.remotePort === 7004 || s.localPort === 7004),
      ),
    ).toBe(true);
  });

  it('reads every table when the counters cannot be read or parsed', () => {
    expect(emptyByCounters(null, null).size).toBe(0);
    expect(emptyByCounters('sockets: used 1\n', 'TCP6: inuse 0\nUDP6: inuse 0\n')).toEqual(new Set(['udp6']));
    // TIME_WAIT counts both families: with one, neither TCP table is skipped.
    expect(
      emptyByCounters(
        'TCP: inuse 0 orphan 0 tw 1 alloc 1 mem 0\nUDP: inuse 0 mem 0\n',
        'TCP6: inuse 0\nUDP6: inuse 0\n',
      ),
    ).toEqual(new Set(['udp', 'udp6']));
  });
});
