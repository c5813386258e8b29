import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingSchema } from '@shared/domain/finding.js';
import { CLI, runCli } from '../helpers/cli.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'cli-scan-watch';

interface Line {
  type: 'new' | 'resolved';
  finding: { id: string; detector: string; container?: { id: string } };
  at: string;
}

async function execIn(c: Docker.Container, cmd: string[]): Promise<void> {
  const x = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await x.start({ hijack: true, stdin: false });
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
    stream.resume();
  });
}

/** `stowaway scan --watch` against a real container: a dropped file shows as new, its removal as resolved. */
describe('stowaway scan --watch', () => {
  let target: Docker.Container;
  let child: ChildProcess | undefined;
  let dataDir = '';
  const lines: Line[] = [];
  let stderr = '';
  const waitFor = async (pred: (l: Line) => boolean, ms: number): Promise<Line> => {
    const end = Date.now() + ms;
    for (;;) {
      const hit = lines.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no matching line after ${ms} ms; stderr: ${stderr.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    await removeSuite(SUITE);
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-watch-'));
    target = await runContainer({ suite: SUITE });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await removeSuite(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints new and resolved findings as JSON lines, promptly on engine events, and stops on SIGTERM', async () => {
    // A long interval: what brings the findings here is the exec events, not the timer.
    child = spawn(process.execPath, [CLI, 'scan', '--watch', '--interval', '10m', '--since', '10m'], {
      env: { ...process.env, STOWAWAY_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buf.slice(0, nl)) as Line);
        buf = buf.slice(nl + 1);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

    // The opening scan reports what is already there as new: the test image was never pulled from a registry.
    await waitFor((l) => l.type === 'new' && l.finding.container?.id === target.id, 120_000);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['at', 'finding', 'type']);
      FindingSchema.parse(l.finding);
    }
    const mine = (detector: string, type: Line['type']) => (l: Line) =>
      l.type === type && l.finding.detector === detector && l.finding.container?.id === target.id;
    expect(lines.some(mine('dropped-executable', 'new'))).toBe(false);

    await execIn(target, ['cp', '/bin/busybox', '/tmp/.kworker']);
    const t0 = Date.now();
    const added = await waitFor(mine('dropped-executable', 'new'), 60_000);
    // Reported, not asserted: timing goals live in benchmarks.
    console.log(`event to finding: ${Date.now() - t0} ms`);
    expect(added.finding.id).toMatch(/^f-/);
    expect(lines.some(mine('hidden-files', 'new'))).toBe(true);

    await execIn(target, ['rm', '/tmp/.kworker']);
    const gone = await waitFor(mine('dropped-executable', 'resolved'), 60_000);
    expect(gone.finding.id).toBe(added.finding.id);
    expect(lines.filter((l) => l.finding.id === added.finding.id).map((l) => l.type)).toEqual(['new', 'resolved']);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
  }, 300_000);

  it('SIGINT ends it cleanly too', async () => {
    const c = spawn(process.execPath, [CLI, 'scan', '--watch', '--interval', '2s', '--since', '10m'], {
      env: { ...process.env, STOWAWAY_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => c.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 1200 && !out.includes(target.id); i++) await new Promise((r) => setTimeout(r, 100));
    c.kill('SIGINT');
    expect(await exited).toBe(0);
    // Every line written is whole JSON.
    for (const l of out.split('\n').filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow();
  }, 180_000);

  it('--interval without --watch, or --watch with sarif, is a usage error', async () => {
    expect((await runCli(['scan', '--interval', '5s'])).code).toBe(2);
    const sarif = await runCli(['scan', '--watch', '--format', 'sarif']);
    expect(sarif.code).toBe(2);
    expect(sarif.stderr).toContain('--watch');
  });
});
