import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeferredAttrs, parseLsattr } from '../../../electron/engine/collect/attrs.js';
import { LsattrRunner } from '../../../electron/engine/collect/lsattr-runner.js';

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
});
