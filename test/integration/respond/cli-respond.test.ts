import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { runCli } from '../../helpers/cli.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';

const SUITE = 'cli-respond';
const USER = 'analyst-cli-respond';

describe('stowaway respond', () => {
  let dataDir: string;
  const env = () => ({
    STOWAWAY_DATA_DIR: dataDir,
    STOWAWAY_ANALYST: USER,
    DOCKER_HOST: 'unix:///var/run/docker.sock',
    DOCKER_CONTEXT: '',
  });
  const custody = () => {
    const cases = new CaseService(dataDir, USER);
    try {
      return cases.custody(cases.resolve('cli-incident').id).map((e) => `${e.action} ${e.detail}`);
    } finally {
      cases.dispose();
    }
  };

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-cli-respond-'));
  });
  afterAll(async () => {
    await removeSuite(SUITE);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses without --yes or with no action (exit 2), then pauses and preserves with custody lines', async () => {
    const c = await runContainer({
      suite: SUITE,
      cmd: [
        'sh',
        '-c',
        'cp /bin/busybox /tmp/x; ln -s /tmp/x /tmp/sleep; (/tmp/sleep 3600 &); sleep 0.5; rm /tmp/x /tmp/sleep; exec sleep 3600',
      ],
    });
    const noYes = await runCli(['respond', c.id, '--pause', '--case', 'cli-incident'], { env: env() });
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('CONFIRMATION_REQUIRED');
    expect((await c.inspect()).State.Paused).toBe(false);
    const none = await runCli(['respond', c.id, '--case', 'cli-incident', '--yes'], { env: env() });
    expect(none.code).toBe(2);

    const pause = await runCli(['respond', c.id, '--pause', '--case', 'cli-incident', '--yes'], { env: env() });
    expect(pause.code, pause.stderr).toBe(0);
    expect((await c.inspect()).State.Paused).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    const pres = await runCli(['respond', c.id, '--preserve', '--case', 'cli-incident', '--yes', '--json'], {
      env: env(),
      timeoutMs: 120_000,
    });
    expect(pres.code, pres.stderr).toBe(0);
    const r = JSON.parse(pres.stdout) as { manifest: { items: Array<{ kind: string; source: string }> } };
    expect(r.manifest.items.some((i) => i.kind === 'process-exe' && i.source.includes('/tmp/x (deleted)'))).toBe(true);
    const lines = custody();
    expect(lines.some((l) => l.startsWith('pause requested') && l.includes(c.id.slice(0, 12)))).toBe(true);
    expect(lines.some((l) => l.startsWith('preserve done'))).toBe(true);

    const disabled = await runCli(['respond', c.id, '--stop', '--case', 'cli-incident', '--yes'], {
      env: { ...env(), STOWAWAY_RESPOND_DISABLE: 'stop' },
    });
    expect(disabled.code).toBe(2);
    expect(disabled.stderr).toContain('FORBIDDEN');
    expect((await c.inspect()).State.Running).toBe(true);
  });
});
