import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/engine/app.js';
import type { CallContext } from '../../../electron/engine/handlers.js';
import { docker as someoneElse, removeSuite, runContainer } from '../../helpers/docker.js';
import type { EngineEvent } from '@shared/domain/event.js';
import type { CustodyEntry } from '@shared/domain/case.js';

const SUITE = 'footprint';
const ctx: CallContext = { transport: 'cli', user: 'analyst-fp' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runExec(
  c: { exec(o: object): Promise<{ id: string; start(o: object): Promise<NodeJS.ReadableStream> }> },
  cmd: string[],
): Promise<string> {
  const exec = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  await new Promise<void>((r) => {
    stream.on('end', () => r());
    stream.resume();
  });
  return exec.id;
}

/**
 * Against the local engine: the events Stowaway's own calls cause (top, archive read, exec) are marked "by Stowaway",
 * the same calls made by someone else at another moment are not, and the open case's custody log accounts for ours.
 */
describe("Stowaway's own footprint on the engine", { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-footprint-'));
  const app = createApp({
    dataDir,
    env: { ...process.env, STOWAWAY_DATA_DIR: dataDir, STOWAWAY_ANALYST: 'analyst-fp' },
  });
  const call = async <T>(op: string, input: unknown): Promise<T> => {
    const env = await app.dispatch(op, input, ctx);
    if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
    return env.value as T;
  };
  let id = '';
  let since = 0;
  let theirExec = '';
  let ourExec = '';
  let caseId = '';

  beforeAll(async () => {
    await removeSuite(SUITE);
    id = (await runContainer({ suite: SUITE, name: `sw-fp-${process.pid}` })).id;
    caseId = (await call<{ id: string }>('cases.create', { name: 'footprint' })).id;
    since = Math.floor(Date.now() / 1000) - 1;
    // Someone else reads the container first, with their own client…
    const theirs = someoneElse.getContainer(id);
    await theirs.top();
    theirExec = await runExec(theirs as never, ['cat', '/etc/hostname']);
    await sleep(4000);
    // …then Stowaway does the same through its own client.
    const ours = (await app.engines.client('local')).getContainer(id);
    await ours.top();
    const archive = (await ours.getArchive({ path: '/etc/hostname' })) as NodeJS.ReadableStream;
    await new Promise<void>((r) => {
      archive.on('end', () => r());
      archive.resume();
    });
    ourExec = await runExec(ours as never, ['cat', '/etc/hostname']);
    // Someone else's exec right beside ours in time is still theirs: execs are told apart by id.
    await runExec(theirs as never, ['true']);
  });
  afterAll(async () => {
    await app.dispose();
    await removeSuite(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('marks the events our calls caused and leaves the others alone', async () => {
    let events: EngineEvent[] = [];
    for (let i = 0; i < 10; i++) {
      events = (
        await call<{ events: EngineEvent[] }>('timeline.events', {
          engineId: 'local',
          since,
          until: Math.ceil(Date.now() / 1000) + 1,
          containerId: id,
        })
      ).events;
      if (events.filter((e) => e.action.startsWith('exec_die')).length >= 3) break;
      await sleep(500);
    }
    const tops = events.filter((e) => e.action === 'top');
    expect(tops).toHaveLength(2);
    expect(tops.map((e) => e.byStowaway?.call)).toEqual([undefined, 'top']);
    const archive = events.filter((e) => e.action === 'archive-path');
    expect(archive.length).toBeGreaterThan(0);
    expect(archive.every((e) => e.byStowaway?.call === 'archive')).toBe(true);
    const execs = events.filter((e) => e.action.startsWith('exec_'));
    const ours = execs.filter((e) => e.attributes.execID === ourExec);
    const theirs = execs.filter((e) => e.attributes.execID && e.attributes.execID !== ourExec);
    expect(ours.length).toBeGreaterThanOrEqual(3);
    expect(ours.every((e) => e.byStowaway?.call === 'exec')).toBe(true);
    expect(theirs.length).toBeGreaterThanOrEqual(6);
    expect(theirs.some((e) => e.attributes.execID === theirExec)).toBe(true);
    expect(theirs.every((e) => e.byStowaway === undefined)).toBe(true);
    // The container's own lifecycle is never ours.
    expect(events.filter((e) => e.action === 'start').every((e) => !e.byStowaway)).toBe(true);
  });

  it('records our calls in the custody log of the open case', async () => {
    let lines: CustodyEntry[] = [];
    for (let i = 0; i < 10 && !lines.length; i++) {
      await sleep(500);
      lines = (await call<CustodyEntry[]>('custody.list', { caseId })).filter((c) => c.action === 'footprint');
    }
    expect(lines.length).toBeGreaterThan(0);
    const detail = lines.map((l) => l.detail).join('\n');
    expect(lines.every((l) => l.actor === 'stowaway')).toBe(true);
    expect(detail).toContain(`top ${id.slice(0, 12)}`);
    expect(detail).toContain(`archive ${id.slice(0, 12)}`);
    expect(detail).toContain(`exec ${id.slice(0, 12)} exec ${ourExec.slice(0, 12)}`);
    expect(detail).not.toContain(theirExec.slice(0, 12));
    const verify = await call<{ ok: boolean }>('evidence.verify', { caseId });
    expect(verify.ok).toBe(true);
  });
});
