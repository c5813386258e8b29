import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../electron/engine/app.js';
import type { CallContext } from '../../electron/engine/handlers.js';
import { hangUpExec, pidInContainer } from '../../electron/engine/terminal/exec-signal.js';
import { docker, removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'terminal-exec-signal';
const ctx: CallContext = { transport: 'http', user: 'analyst-signal' };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Starts a detached exec and returns its id and host PID as the engine reports them. */
async function startExec(containerId: string, cmd: string[]): Promise<{ id: string; pid: number }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdout: false, AttachStderr: false });
  await exec.start({ Detach: true });
  for (let i = 0; i < 50; i++) {
    const st = (await exec.inspect()) as { Running: boolean; Pid: number };
    if (st.Running && st.Pid) return { id: exec.id, pid: st.Pid };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('exec did not start');
}
const execRunning = async (id: string) => ((await docker.getExec(id).inspect()) as { Running: boolean }).Running;

describe('hangup of an exec', () => {
  let a = '';
  let b = '';
  let hostSleep: ChildProcess;

  beforeAll(async () => {
    await removeSuite(SUITE);
    a = (await runContainer({ suite: SUITE, name: `sw-sig-a-${process.pid}` })).id;
    b = (await runContainer({ suite: SUITE, name: `sw-sig-b-${process.pid}` })).id;
    // A host process: what an engine PID from a VM's namespace names on this host.
    hostSleep = spawn('sleep', ['600'], { stdio: 'ignore' });
  });
  afterAll(async () => {
    hostSleep?.kill('SIGKILL');
    await removeSuite(SUITE);
  });

  it('verifies a PID by the container id in its cgroup', async () => {
    const e = await startExec(a, ['sleep', '600']);
    expect(pidInContainer(e.pid, a)).toBe(true);
    expect(pidInContainer(e.pid, b)).toBe(false);
    expect(pidInContainer(hostSleep.pid!, a)).toBe(false);
    expect(pidInContainer(process.pid, a)).toBe(false);
    expect(pidInContainer(1, a)).toBe(false);
    expect(pidInContainer(e.pid, a.slice(0, 12))).toBe(false);
  });

  it('signals nothing when the PID is not the container’s, or the engine is not local', async () => {
    const e = await startExec(a, ['sleep', '600']);
    expect(hangUpExec(hostSleep.pid!, a, true)).toBe('not-verified');
    expect(alive(hostSleep.pid!)).toBe(true);
    expect(hostSleep.exitCode).toBeNull();
    expect(hangUpExec(e.pid, b, true)).toBe('not-verified');
    expect(hangUpExec(e.pid, a, false)).toBe('not-local');
    await new Promise((r) => setTimeout(r, 300));
    expect(await execRunning(e.id)).toBe(true);
    expect(hangUpExec(e.pid, a, true)).toBe('signalled');
    await expect.poll(() => execRunning(e.id), { timeout: 10_000 }).toBe(false);
  });

  it('ends a shell that ignores interrupt and end-of-input when the analyst closes the session', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-sig-'));
    const app = createApp({ dataDir, env: { ...process.env, STOWAWAY_DATA_DIR: dataDir } });
    try {
      const before = new Set(((await docker.getContainer(a).inspect()) as { ExecIDs?: string[] | null }).ExecIDs ?? []);
      const env = await app.dispatch(
        'terminal.exec',
        { engineId: 'local', containerId: a, confirm: true, cmd: ['sh', '-c', "trap '' INT; sleep 600"] },
        ctx,
      );
      expect(env.ok).toBe(true);
      const sessionId = (env as { value: { sessionId: string } }).value.sessionId;
      const execId = (((await docker.getContainer(a).inspect()) as { ExecIDs?: string[] | null }).ExecIDs ?? []).find(
        (x) => !before.has(x),
      )!;
      await expect.poll(() => execRunning(execId)).toBe(true);
      const exits: Array<{ reason: string }> = [];
      app.bus.onAny((ev, p) => ev === 'terminal.exit' && exits.push(p as { reason: string }));
      await app.dispatch('terminal.close', { sessionId }, ctx);
      await expect.poll(() => execRunning(execId), { timeout: 10_000 }).toBe(false);
      expect(exits[0]?.reason).toBe('closed by the analyst');
    } finally {
      await app.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
