import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerPidsFromCgroup } from '../../../electron/engine/collect/cgroup-pids.js';
import { hostPidIndex } from '../../../electron/engine/collect/host-procs.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';

const SUITE = 'cgroup-pids';

describe('container PIDs from its cgroup', () => {
  let id = '';
  let pid = 0;
  beforeAll(async () => {
    await removeSuite(SUITE);
    const c = await runContainer({ suite: SUITE, cmd: ['sh', '-c', 'sleep 3600 & sleep 3601 & wait'] });
    const info = await c.inspect();
    id = info.Id;
    pid = info.State.Pid;
    // A `docker exec` process: its host parent is the runtime's shim, not the container's init.
    const exec = await c.exec({ Cmd: ['sleep', '3602'], AttachStdout: false, AttachStderr: false });
    await exec.start({ Detach: true });
    for (let i = 0; i < 100 && !(await hostPidIndex()).get(id)?.some((p) => /3602/.test(cmd(p))); i++)
      await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(() => removeSuite(SUITE));

  const cmd = (p: number) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  };

  it('lists the same processes as the host-wide index, exec ones included', async () => {
    const fromCgroup = containerPidsFromCgroup('/proc', pid, id);
    expect(fromCgroup).not.toBeNull();
    expect(fromCgroup).toEqual([...(await hostPidIndex()).get(id)!].sort((a, b) => a - b));
    expect(fromCgroup!.map(cmd).some((c) => c.includes('3602'))).toBe(true);
    expect(fromCgroup).toContain(pid);
  });

  it('refuses a cgroup that does not list the PID, and a procfs it cannot pair with the host cgroup tree', () => {
    expect(containerPidsFromCgroup('/proc', process.pid, id)).toBeNull();
    expect(containerPidsFromCgroup('/tmp/not-proc', pid, id)).toBeNull();
    expect(containerPidsFromCgroup('/proc', pid, 'not-an-id')).toBeNull();
  });

  it('reads nested cgroups and ignores paths that climb out of the tree', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sw-cgroup-'));
    const proc = mkdtempSync(path.join(os.tmpdir(), 'sw-proc-'));
    try {
      const cid = 'a'.repeat(64);
      const dir = path.join(root, 'pids', 'docker', cid);
      mkdirSync(path.join(dir, 'init.scope'), { recursive: true });
      writeFileSync(path.join(dir, 'cgroup.procs'), '10\n11\n');
      writeFileSync(path.join(dir, 'init.scope', 'cgroup.procs'), '12\n');
      mkdirSync(path.join(proc, '10'));
      writeFileSync(path.join(proc, '10', 'cgroup'), `3:pids:/docker/${cid}\n1:name=systemd:/docker/${cid}\n`);
      expect(containerPidsFromCgroup(proc, 10, cid, root)).toEqual([10, 11, 12]);
      writeFileSync(path.join(proc, '10', 'cgroup'), `0::/../../etc/${cid}\n`);
      expect(containerPidsFromCgroup(proc, 10, cid, root)).toBeNull();
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(proc, { recursive: true, force: true });
    }
  });
});
