import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/engine/app.js';
import { runCli } from '../../helpers/cli.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';

/**
 * The case commands call the contract operations the UI calls (cases.resolve, cases.scans, custody.key,
 * engines.discover): cases found by name or id prefix, the key that signs reports, and a scan recorded only once.
 */
describe('case commands through the contract', () => {
  const tmp = tempDataDir('stowaway-case-commands-');
  const env = {
    STOWAWAY_DATA_DIR: tmp.dir,
    STOWAWAY_ANALYST: 'analyst-2',
    DOCKER_HOST: '',
    DOCKER_CONTEXT: '',
    KUBECONFIG: '/nonexistent-kubeconfig',
  };
  const cli = (args: string[], timeoutMs = 120_000) => runCli(args, { env, timeoutMs });

  afterAll(() => tmp.cleanup());

  it('finds a case by name and by id prefix through its life, prints the custody key, and refuses an unknown case', async () => {
    const created = await cli(['case', 'create', 'Night shift', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const id = (JSON.parse(created.stdout) as { id: string }).id;

    const renamed = await cli(['case', 'rename', id.slice(0, 8), 'Day shift']);
    expect(renamed.stdout).toBe('Renamed to Day shift\n');
    expect((await cli(['case', 'close', 'Day shift'])).stdout).toBe('Case Day shift is closed\n');
    expect((await cli(['case', 'reopen', id])).stdout).toBe('Case Day shift is open\n');
    expect((await cli(['case', 'open', 'Day shift'])).stdout).toBe(`Current case: Day shift (${id})\n`);

    const shown = await cli(['case', 'show', 'Day shift', '--json']);
    const doc = JSON.parse(shown.stdout) as {
      case: { id: string };
      scans: unknown[];
      custody: Array<{ action: string; actor: string }>;
      notes: unknown[];
    };
    expect(doc.case.id).toBe(id);
    expect(doc.scans).toEqual([]);
    expect(doc.custody.map((c) => c.action)).toEqual(expect.arrayContaining(['create', 'rename', 'close', 'reopen']));
    expect(doc.custody.every((c) => c.actor === 'analyst-2')).toBe(true);

    const key = await cli(['case', 'key']);
    expect(key.code).toBe(0);
    expect(key.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    expect(key.stderr).toMatch(/^fingerprint SHA256:[A-Za-z0-9+/]{43}\n$/);

    const unknown = await cli(['case', 'show', 'no such case']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('stowaway case show: No case named or numbered "no such case" [NOT_FOUND]\n');
  }, 180_000);

  it('contexts lists what discovery finds, with each URL, and connects to none without --check', async () => {
    const r = await cli(['contexts', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      currentBy: string;
      engines: Array<{ id: string; url: string; state?: unknown }>;
    };
    expect(doc.currentBy).toBe('default');
    expect(doc.engines.find((e) => e.id === 'local')).toMatchObject({ url: 'unix:///var/run/docker.sock' });
    expect(doc.engines.every((e) => e.state === undefined)).toBe(true);
  });

  it("records an engine's latest scan in a case once, however often it is asked, and scan --case finds the case by name", async () => {
    const app = createApp({ dataDir: tmp.dir, env: { ...process.env, ...env } });
    const ctx = { transport: 'cli' as const, user: 'analyst-2' };
    try {
      const c = await app.dispatch('cases.resolve', { ref: 'Scans once', create: true }, ctx);
      expect(c.ok, JSON.stringify(c)).toBe(true);
      const caseId = (c as { value: { id: string } }).value.id;
      const scanned = await app.dispatch('scan.run', { engineId: 'local', since: '1m' }, ctx);
      expect(scanned.ok, JSON.stringify(scanned)).toBe(true);
      for (let i = 0; i < 2; i++)
        expect((await app.dispatch('cases.addScan', { caseId, engineId: 'local' }, ctx)).ok).toBe(true);
      const scans = await app.dispatch('cases.scans', { caseId }, ctx);
      expect((scans as { value: unknown[] }).value).toHaveLength(1);
    } finally {
      await app.dispose();
    }

    const r = await cli(['scan', '--format', 'json', '--since', '1m', '--case', 'Scans once']);
    expect(r.code, r.stderr).not.toBe(2);
    expect(r.stderr).toMatch(/Recorded in case Scans once \([0-9a-f]{8}\)/);
    const shown = JSON.parse((await cli(['case', 'show', 'Scans once', '--json'])).stdout) as {
      scans: Array<{ engineId: string }>;
    };
    expect(shown.scans.map((s) => s.engineId)).toEqual(['local', 'local']);
    const list = JSON.parse((await cli(['case', 'list', '--json'])).stdout) as Array<{ name: string }>;
    expect(list.filter((x) => x.name === 'Scans once')).toHaveLength(1);
  }, 240_000);
});
