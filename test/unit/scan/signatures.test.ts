import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containerSignature } from '../../../electron/engine/scan/signatures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** An upper dir on the real filesystem; the container has no processes, so only the tree and the listing count. */
function upper(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'sw-sig-'));
  dirs.push(d);
  mkdirSync(path.join(d, 'srv/deep'), { recursive: true });
  writeFileSync(path.join(d, 'srv/a'), 'x');
  writeFileSync(path.join(d, 'srv/deep/b'), 'y');
  return d;
}

const sign = (upperDir: string, listed = 'running 1') =>
  containerSignature('/proc', { id: 'c1', listed, upperDir, pids: [] });

describe('container signatures', () => {
  it('are equal for an unchanged tree and differ for every kind of change in it', async () => {
    const d = upper();
    const base = await sign(d);
    expect(await sign(d)).toBe(base);
    expect(await sign(d, 'exited 1')).not.toBe(base);

    writeFileSync(path.join(d, 'srv/deep/c'), 'new');
    const added = await sign(d);
    expect(added).not.toBe(base);

    writeFileSync(path.join(d, 'srv/deep/c'), 'longer');
    const grown = await sign(d);
    expect(grown).not.toBe(added);

    utimesSync(path.join(d, 'srv/a'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = await sign(d);
    expect(touched).not.toBe(grown);

    rmSync(path.join(d, 'srv/deep/c'));
    expect(await sign(d)).not.toBe(touched);
  });

  it('never repeat for a tree past the entry bound: such a container is read again on every rescan', async () => {
    const d = upper();
    const many = path.join(d, 'many');
    mkdirSync(many);
    for (let i = 0; i < 20_001; i++) writeFileSync(path.join(many, String(i)), '');
    expect(await sign(d)).not.toBe(await sign(d));
  }, 60_000);

  it('differ when a process execs a binary of the same name in place: same PID, start and comm, new arguments', async () => {
    // `sh` replaces itself with another `sh`: only its argv tells the two apart.
    const child = spawn('sh', ['-c', 'read x; exec sh -c "read y" second-shell'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    try {
      const pid = child.pid!;
      const cmdline = () => readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const at = () => containerSignature('/proc', { id: 'c1', listed: 'running 1', pids: [pid] });
      const before = await at();
      expect(await at()).toBe(before);
      child.stdin!.write('go\n');
      // The first shell's own argv names `second-shell` too: wait for the argv of the shell it became.
      const became = 'sh\0-c\0read y\0second-shell\0';
      for (let i = 0; i < 100 && cmdline() !== became; i++) await new Promise((r) => setTimeout(r, 20));
      expect(cmdline()).toBe(became);
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('sh');
      expect(await at()).not.toBe(before);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
