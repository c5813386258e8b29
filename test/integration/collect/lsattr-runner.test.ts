import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeferredAttrs, parseLsattr } from '../../../electron/engine/collect/attrs.js';
import { LsattrRunner } from '../../../electron/engine/collect/lsattr-runner.js';
import { inodeStamp } from '../../../electron/engine/collect/inode-cache.js';

// Real flags on real files: chattr needs root and a filesystem that keeps them (the test machine's /tmp does).
describe('lsattr runner', () => {
  let dir = '';
  const names = ['plain', 'with space', '-leading-dash', 'new\nline', 'imm'];
  const runner = new LsattrRunner();
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sw-lsattr-'));
    for (const n of names) writeFileSync(path.join(dir, n), n);
    execFileSync('chattr', ['+i', path.join(dir, 'imm')]);
    execFileSync('chattr', ['+a', path.join(dir, 'with space')]);
  });
  afterAll(() => {
    runner.dispose();
    execFileSync('chattr', ['-i', path.join(dir, 'imm')]);
    execFileSync('chattr', ['-a', path.join(dir, 'with space')]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the flags of every listed path through one long-lived shell, hostile names included', async () => {
    const out = await runner.run(names.map((n) => path.join(dir, n)));
    const flags = parseLsattr(out!);
    expect(flags.get(path.join(dir, 'imm'))).toEqual(['immutable']);
    expect(flags.get(path.join(dir, 'with space'))).toEqual(['append-only']);
    expect(flags.get(path.join(dir, '-leading-dash'))).toEqual([]);
    // Lists queue behind each other and each gets its own answer.
    const [a, b] = await Promise.all([runner.run([path.join(dir, 'imm')]), runner.run([path.join(dir, 'plain')])]);
    expect(a).toContain('/imm');
    expect(a).not.toContain('/plain');
    expect(b).toContain('/plain');
    expect(await runner.run([path.join(dir, 'missing')])).toBe('');
  });

  it('answers null for a list the shell dies on, and starts a new shell for the next one', async () => {
    const pending = runner.run([path.join(dir, 'imm')], 10_000);
    runner.stop();
    expect([null, expect.stringContaining('/imm')]).toContainEqual(await pending);
    expect(await runner.run([path.join(dir, 'imm')])).toContain('----i');
  });

  it('gives each container of a deferred scan read its own lines', async () => {
    const deferred = createDeferredAttrs(10_000, runner);
    const got: Record<string, string[]> = {};
    deferred.defer(
      dir,
      ['/imm', '/plain'],
      (flags) => (got.one = [...flags].flatMap(([p, f]) => f.map((x) => `${p}:${x}`))),
    );
    deferred.defer(
      dir,
      ['/with space'],
      (flags) => (got.two = [...flags].flatMap(([p, f]) => f.map((x) => `${p}:${x}`))),
    );
    await deferred.flush();
    expect(got).toEqual({ one: ['/imm:immutable'], two: ['/with space:append-only'] });
  });

  it('starts no lsattr for paths whose stamp is unchanged since a read outside the racy window', async () => {
    class Counted extends LsattrRunner {
      lists: string[][] = [];
      override run(hostPaths: string[], timeoutMs?: number) {
        this.lists.push(hostPaths);
        return super.run(hostPaths, timeoutMs);
      }
    }
    const counted = new Counted();
    const fresh = path.join(dir, 'fresh');
    const scan = async () => {
      // Written just before each scan: always within the racy window, so never kept.
      writeFileSync(fresh, 'x');
      const deferred = createDeferredAttrs(10_000, counted);
      const seen: { flags: string[]; raw: string; kept: number }[] = [];
      const stamps = new Map(['/imm', '/fresh'].map((p) => [p, inodeStamp(lstatSync(path.join(dir, p)))]));
      deferred.defer(
        dir,
        ['/imm', '/fresh'],
        (flags, raw, kept) =>
          seen.push({ flags: [...flags].flatMap(([p, f]) => f.map((x) => `${p}:${x}`)), raw, kept }),
        stamps,
      );
      await deferred.flush();
      return seen[0]!;
    };
    try {
      // /imm was set up more than the racy window ago only if this test runs late; make sure of it.
      const age = Date.now() - lstatSync(path.join(dir, 'imm')).ctimeMs;
      if (age < 2100) await new Promise((r) => setTimeout(r, 2100 - age));
      const first = await scan();
      expect(first.flags).toEqual(['/imm:immutable']);
      expect(counted.lists).toEqual([[path.join(dir, 'imm'), fresh]]);
      const second = await scan();
      // The lines and flags are the first read's; only the file changed a moment ago is read again.
      expect(second).toEqual({ ...first, kept: 1 });
      expect(counted.lists[1]).toEqual([fresh]);
      // Clearing the flag moves ctime: the kept read no longer answers.
      execFileSync('chattr', ['-i', path.join(dir, 'imm')]);
      const third = await scan();
      expect(third.flags).toEqual([]);
      expect(counted.lists[2]).toEqual([path.join(dir, 'imm'), fresh]);
    } finally {
      execFileSync('chattr', ['+i', path.join(dir, 'imm')]);
      counted.dispose();
    }
  }, 15_000);
});
