import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

/** `npm start` where the Electron binary cannot be had: one line saying why, then the same UI served to a browser. */
function start(env: NodeJS.ProcessEnv): Promise<{ stderr: string; url: string; stop: () => void }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-start-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'electron/build/start.mjs'), '--no-open', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, STOWAWAY_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no URL within 60 s; stderr: ${stderr}`)), 60_000);
    const stop = () => {
      child.once('close', () => rmSync(dataDir, { recursive: true, force: true }));
      child.kill('SIGTERM');
    };
    const finish = (err?: Error, url?: string) => {
      clearTimeout(timer);
      if (err) {
        stop();
        reject(err);
      } else resolve({ stderr, url: url!, stop });
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout);
      if (m) finish(undefined, m[1]);
    });
    child.on('exit', (code) => finish(new Error(`start exited ${code}: ${stderr}`)));
  });
}

describe('npm start without an Electron binary', () => {
  for (const [label, env] of [
    ['download skipped', { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }],
    ['download failing', { ELECTRON_SKIP_BINARY_DOWNLOAD: '', ELECTRON_MIRROR: 'http://127.0.0.1:9/' }],
  ] as const) {
    it(`says why in one line and serves the UI (${label})`, async () => {
      const { stderr, url, stop } = await start(env);
      try {
        const lines = stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^The Electron binary is not installed here \(.+\), so the desktop window cannot open/,
        );
        expect(stderr).not.toMatch(/\n\s+at /);
        // The first load trades the URL's credential for a cookie, which may redirect: that answer is enough here.
        const res = await fetch(url, { redirect: 'manual' });
        expect(res.status).toBeLessThan(400);
      } finally {
        stop();
      }
    }, 90_000);
  }
});
