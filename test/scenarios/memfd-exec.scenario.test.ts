import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDetectors, type DetectionResult } from '../../electron/engine/detect/run-detectors.js';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import { removeSuite } from '../helpers/docker.js';
import { collect, script, start } from './harness.js';

/**
 * Fileless execution for real: a static C program copies busybox into a memfd and fexecve()s `sleep`, so
 * the running code has no file on any filesystem; beside it a binary that deletes itself after starting
 * from a normal path, and a plain process as the look-alike. The program is compiled here from
 * fixtures/memfd-exec.c (gcc with static libc) and bind-mounted read-only into the container.
 */
const SUITE = 'detect-scenarios-memfd';
const SOURCE = path.join(import.meta.dirname, 'fixtures/memfd-exec.c');
const c: Record<string, Docker.Container> = {};
let tmp = '';
let evidence: EngineEvidence;
let result: DetectionResult;

const hitsOn = (key: string) =>
  [...result.findings, ...result.suppressed].filter(
    (f) => f.container?.id === c[key]!.id && f.detector === 'suspicious-exe-location',
  );

beforeAll(async () => {
  await removeSuite(SUITE);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stowaway-memfd-'));
  const bin = path.join(tmp, 'memfd-exec');
  execFileSync('cc', ['-static', '-O2', '-o', bin, SOURCE], { stdio: 'pipe' });
  chmodSync(tmp, 0o755);
  const since = new Date(Date.now() - 1000);
  c.memfd = await start({
    suite: SUITE,
    hostConfig: { Binds: [`${bin}:/opt/memfd-exec:ro`] },
    cmd: ['/opt/memfd-exec', '/bin/busybox', 'sleep', '3600'],
  });
  // A normal path, not a scratch directory: the deletion alone is what gives it away.
  c.selfDeleting = await start({
    suite: SUITE,
    ready: true,
    cmd: script(
      'mkdir -p /usr/local/sbin; cp /bin/busybox /usr/local/sbin/sleep; /usr/local/sbin/sleep 3600 & sleep 0.3; rm /usr/local/sbin/sleep',
    ),
  });
  c.plain = await start({ suite: SUITE });
  // fexecve happens right after start; give the exe link a moment to change from the loader to the memfd.
  await new Promise((r) => setTimeout(r, 500));
  evidence = await collect(
    Object.values(c).map((x) => x.id),
    since,
  );
  result = runDetectors(evidence, { only: ['suspicious-exe-location'] });
}, 120_000);

afterAll(async () => {
  await removeSuite(SUITE);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('fileless and self-deleting execution (real dockerd, host /proc)', () => {
  it('reads the memfd exe link of the container process host-side', () => {
    const procs = evidence.containers.find((x) => x.container.id === c.memfd!.id)!.processes.host!.processes;
    const sleeper = procs.find((p) => p.cmdline.startsWith('sleep 3600'));
    expect(sleeper?.exe, JSON.stringify(procs.map((p) => [p.pid, p.exe, p.cmdline]))).toMatch(
      /^\/memfd:payload \(deleted\)$/,
    );
  });

  it('suspicious-exe-location fires critical, T1620, with the memfd exe as evidence', () => {
    const hits = hitsOn('memfd');
    expect(hits).toHaveLength(1);
    const f = hits[0]!;
    expect(f.severity).toBe('critical');
    expect(f.attack).toEqual(['T1620']);
    expect(f.summary).toContain('anonymous memory (memfd)');
    expect(f.evidence[0]).toMatchObject({ kind: 'process' });
    expect(f.evidence[0]!.excerpt).toMatch(/exe=\/memfd:payload \(deleted\); cmdline: sleep 3600/);
  });

  it('a binary that deleted itself after starting is reported with its "(deleted)" exe', () => {
    const hits = hitsOn('selfDeleting');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.attack).toEqual(['T1070.004']);
    expect(hits[0]!.evidence[0]!.excerpt).toContain('exe=/usr/local/sbin/sleep (deleted)');
  });

  it('stays quiet on a process running from its image file', () => {
    expect(hitsOn('plain')).toEqual([]);
  });
});
