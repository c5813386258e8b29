import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../electron/cli/main.js';
import { CLI, ROOT } from '../helpers/cli.js';

const RECORDER = path.join(ROOT, 'test/fixtures/load-recorder/record.mjs');
const COMMAND_CHUNK = new RegExp(`/dist/cli-chunks/(${COMMANDS.map((c) => c.name).join('|')})-`);
const HEAVY =
  /node_modules\/(dockerode|docker-modem|ssh2|@kubernetes\/client-node|playwright-core|better-sqlite3|tar-stream|ws)\//;

/** Runs the built CLI with the load recorder; returns what it printed and every module it loaded. */
function loads(args: string[], env: NodeJS.ProcessEnv = {}) {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sw-loads-')), 'loads.txt');
  const r = spawnSync(process.execPath, ['--import', RECORDER, CLI, ...args], {
    env: { ...process.env, ...env, RECORD_LOADS_FILE: file },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const modules = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { ...r, modules };
}

describe('CLI start: a command loads only what it needs', () => {
  it('--version and --help load no client library, no command chunk', () => {
    for (const flag of ['--version', '--help']) {
      const r = loads([flag]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.modules.filter((m) => HEAVY.test(m))).toEqual([]);
      // Shared chunks (version, exit codes) are fine; no command's own chunk is.
      expect(r.modules.filter((m) => COMMAND_CHUNK.test(m))).toEqual([]);
    }
  }, 120_000);

  it('a command does load its libraries (the recorder sees them)', () => {
    // --check talks to the local engine, so the Docker client must load.
    const r = loads(['contexts', '--check', '--format', 'json'], {
      HOME: mkdtempSync(path.join(os.tmpdir(), 'sw-home-')),
      DOCKER_HOST: '',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.modules.some((m) => /node_modules\/dockerode\//.test(m))).toBe(true);
    expect(r.modules.some((m) => COMMAND_CHUNK.test(m))).toBe(true);
  }, 120_000);

  it('the top-level help names every command with its own description', () => {
    const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    for (const c of COMMANDS) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c.name}\\b.*$`, 'm'));
      // The description in the command module is the one the top-level help repeats.
      const own = spawnSync(process.execPath, [CLI, c.name, '--help'], { encoding: 'utf8' }).stdout;
      expect(own.replace(/\s+/g, ' ')).toContain(c.description);
    }
  }, 300_000);
});
