import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

const script = path.join(ROOT, 'test/integration/reports/pdf-sandbox-print.ts');

interface PrintOutcome {
  magic: string;
  bytes: number;
  decision: { sandbox: boolean; reason?: string };
  browsers: number;
  noSandboxFlag: boolean;
}

/** Runs the printer in a fresh process (a browser start plus a TypeScript load: minutes on a busy machine), optionally as another user (setpriv), with real Chromium. */
function printAs(user?: { uid: number; home: string }): PrintOutcome {
  const node = [process.execPath, '--import', 'tsx', script];
  const cmd = user
    ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.uid}`, '--clear-groups', 'env', `HOME=${user.home}`, ...node]
    : node;
  return JSON.parse(
    execFileSync(cmd[0]!, cmd.slice(1), { cwd: ROOT, encoding: 'utf8', timeout: 240_000 }),
  ) as PrintOutcome;
}

describe('PDF reports are printed in the Chromium sandbox where the platform allows it', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'sw-pdf-user-'));
  chmodSync(home, 0o777);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('as this user: still renders, and runs without the sandbox only as root, saying so', () => {
    const r = printAs();
    expect(r.magic).toBe('%PDF-');
    expect(r.browsers).toBeGreaterThan(0);
    if (process.getuid!() === 0) {
      expect(r.decision).toEqual({ sandbox: false, reason: expect.stringMatching(/root/) });
      expect(r.noSandboxFlag).toBe(true);
    } else {
      expect(r.decision.sandbox).toBe(true);
      expect(r.noSandboxFlag).toBe(false);
    }
  }, 300_000);

  it('as an unprivileged user with user namespaces: sandboxed, no --no-sandbox on any browser process', () => {
    expect(process.getuid!(), 'needs root to switch to the unprivileged user').toBe(0);
    const r = printAs({ uid: 65534, home });
    expect(r.magic).toBe('%PDF-');
    expect(r.decision).toEqual({ sandbox: true });
    expect(r.browsers).toBeGreaterThan(0);
    expect(r.noSandboxFlag).toBe(false);
  }, 300_000);
});
