import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../electron/engine/app.js';
import { CaseService } from '../../electron/engine/cases/case-service.js';
import type { CallContext } from '../../electron/engine/handlers.js';
import { runCli, startServe } from '../helpers/cli.js';
import { docker, removeSuite, runContainer } from '../helpers/docker.js';

const SUITE = 'terminal-exec-custody';
const USER = 'analyst-custody';
const ctx: CallContext = { transport: 'http', user: USER };
const ESC = '\u001b';

const withCases = <T>(dataDir: string, f: (c: CaseService) => T): T => {
  const cases = new CaseService(dataDir, USER);
  try {
    return f(cases);
  } finally {
    cases.dispose();
  }
};

/** Reads one file out of a container through the archive API: nothing runs in the container. */
async function readContainerFile(id: string, file: string): Promise<string | undefined> {
  try {
    const tar = (await docker.getContainer(id).getArchive({ path: file })) as unknown as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks).toString('latin1');
  } catch {
    return undefined;
  }
}

async function poll<T>(f: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('exec custody', () => {
  let containerId = '';
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'sw-exec-custody-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    await removeSuite(SUITE);
    containerId = (await runContainer({ suite: SUITE, name: `sw-exec-custody-${process.pid}` })).id;
  });
  afterAll(async () => {
    await removeSuite(SUITE);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('writes the custody line before the exec, and keeps an inert cast and the raw bytes when it ends', async () => {
    const dataDir = tempDir();
    const app = createApp({ dataDir, env: { ...process.env, STOWAWAY_DATA_DIR: dataDir, STOWAWAY_ANALYST: USER } });
    try {
      const caseId = app.caseStore.get().create('exec-normal').id;
      const exits: unknown[] = [];
      app.bus.onAny((ev, p) => ev === 'terminal.exit' && exits.push(p));
      const env = await app.dispatch(
        'terminal.exec',
        {
          engineId: 'local',
          containerId,
          confirm: true,
          cols: 80,
          rows: 24,
          cmd: ['sh', '-c', `read go; printf '\\033]52;c;ZXZpbA==\\007marker-%s\\n' $((6*7))`],
        },
        ctx,
      );
      expect(env.ok).toBe(true);
      const sessionId = (env as { value: { sessionId: string } }).value.sessionId;
      // The shell waits for input: the custody line is there while it runs, and the recording files exist.
      const before = app.caseStore.get().custody(caseId);
      expect(before.at(-1)).toMatchObject({ action: 'exec', actor: USER });
      expect(before.at(-1)!.detail).toMatch(
        new RegExp(`^exec ${sessionId} starting in container ${containerId.slice(0, 12)} `),
      );
      expect(
        readdirSync(path.join(dataDir, 'recordings'))
          .sort()
          // Named <time>-<container>-<session>.<kind>; session IDs may hold a dash themselves.
          .map((n) => n.slice(n.lastIndexOf(`-${sessionId}.`) + 1)),
      ).toEqual([`${sessionId}.cast.part`, `${sessionId}.raw.part`, `${sessionId}.session.json`]);
      await app.dispatch('terminal.input', { sessionId, data: 'go\n' }, ctx);
      await poll(
        () => exits.length,
        (n) => n > 0,
      );
      expect(exits.length).toBe(1);

      const cases = app.caseStore.get();
      const log = cases.custody(caseId);
      const sealedLine = log.find((l) => l.detail.startsWith(`exec ${sessionId} ended`));
      expect(sealedLine).toBeDefined();
      const evidence = cases.listEvidence(caseId);
      const cast = evidence.find((e) => e.kind === 'terminal-recording')!;
      const raw = evidence.find((e) => e.kind === 'terminal-output-raw')!;
      expect(sealedLine!.detail).toContain(`recording ${cast.sha256}`);
      expect(sealedLine!.detail).toContain(`raw output ${raw.sha256}`);
      const castText = cases.readEvidence(caseId, cast.sha256).toString('utf8');
      const output = castText
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => JSON.parse(l) as [number, string, string])
        .filter((e) => e[1] === 'o')
        .map((e) => e[2])
        .join('');
      expect(output).toContain('\\x1b]52;c;ZXZpbA==\\x07marker-42');
      expect(output).not.toContain(ESC);
      expect(cases.readEvidence(caseId, raw.sha256).toString('utf8')).toContain(`${ESC}]52;c;ZXZpbA==\u0007marker-42`);
      // Sealed: final names, no journal left.
      expect(
        readdirSync(path.join(dataDir, 'recordings')).filter((n) => n.endsWith('.part') || n.endsWith('.json')),
      ).toEqual([]);
      expect((await cases.verify(caseId)).ok).toBe(true);
    } finally {
      await app.dispose();
    }
  });

  it('seals and records a session cut off when the serving process is killed', async () => {
    const dataDir = tempDir();
    const env = { STOWAWAY_DATA_DIR: dataDir, STOWAWAY_ANALYST: USER };
    expect((await runCli(['case', 'create', 'exec-killed'], { env })).code).toBe(0);
    const caseId = withCases(dataDir, (c) => c.currentId()!);
    const serve = startServe([], env);
    const url = new URL(await serve.url);
    const token = url.searchParams.get('token')!;
    const body = JSON.stringify({
      engineId: 'local',
      containerId,
      confirm: true,
      cols: 80,
      rows: 24,
      cmd: ['sh', '-c', 'echo evidence-$((6*7)) > /tmp/written-by-exec; echo wrote-it; exec sleep 600'],
    });
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: Number(url.port),
          path: '/api/terminal.exec',
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        },
        (res) => {
          let t = '';
          res.on('data', (d) => (t += d));
          res.on('end', () => resolve(t));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const sessionId = (JSON.parse(answer) as { value: { sessionId: string } }).value.sessionId;
    expect(
      await poll(
        () => readContainerFile(containerId, '/tmp/written-by-exec'),
        (t) => Boolean(t?.includes('evidence-42')),
      ),
    ).toContain('evidence-42');
    const rec = path.join(dataDir, 'recordings');
    const part = () => readdirSync(rec).find((n) => n.endsWith(`${sessionId}.cast.part`));
    expect(
      await poll(
        () => (part() ? readFileSync(path.join(rec, part()!), 'utf8') : ''),
        (t) => t.includes('wrote-it'),
      ),
    ).toContain('wrote-it');
    expect(
      withCases(dataDir, (c) => c.custody(caseId).some((l) => l.detail.startsWith(`exec ${sessionId} starting`))),
    ).toBe(true);

    serve.child.kill('SIGKILL');
    await new Promise((r) =>
      serve.child.exitCode !== null || serve.child.signalCode ? r(undefined) : serve.child.once('exit', r),
    );
    // Nothing sealed it: the journal and the parts are still there.
    expect(
      readdirSync(rec)
        .filter((n) => n.includes(sessionId))
        .map((n) => n.slice(n.indexOf(sessionId) + sessionId.length))
        .sort(),
    ).toEqual(['.cast.part', '.raw.part', '.session.json']);

    const again = startServe([], env);
    await again.url;
    await again.stop();

    withCases(dataDir, (cases) => {
      const log = cases.custody(caseId);
      const start = log.findIndex((l) => l.detail.startsWith(`exec ${sessionId} starting`));
      const cut = log.findIndex((l) => l.detail.startsWith(`exec ${sessionId} cut off`));
      expect(start).toBeGreaterThanOrEqual(0);
      expect(cut).toBeGreaterThan(start);
      expect(log[cut]).toMatchObject({ action: 'exec', actor: USER });
      const evidence = cases.listEvidence(caseId);
      const cast = evidence.find((e) => e.kind === 'terminal-recording')!;
      const raw = evidence.find((e) => e.kind === 'terminal-output-raw')!;
      expect(log[cut]!.detail).toContain(`recording ${cast.sha256}`);
      const lines = cases
        .readEvidence(caseId, cast.sha256)
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      expect(lines[0]).toMatchObject({ version: 2 });
      const out = (lines.slice(1) as Array<[number, string, string]>).map((e) => e[2]).join('');
      expect(out).toContain('wrote-it');
      expect(out).toContain('recording cut off');
      expect(cases.readEvidence(caseId, raw.sha256).toString('utf8')).toContain('wrote-it');
    });
    expect(readdirSync(rec).filter((n) => n.endsWith('.part') || n.endsWith('.json'))).toEqual([]);
    expect(existsSync(path.join(rec, `${readdirSync(rec).find((n) => n.endsWith(`${sessionId}.cast`))}`))).toBe(true);
  });
});
