import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { removeSuite, runContainer } from '../helpers/docker.js';

/**
 * What every command shares (installed once in electron/cli/main.ts): a reader that goes away early
 * (`stowaway scan --format json | head -1`) ends output quietly, unknown options name the command and its
 * help, and expected errors are one line, never a stack trace. Runs the built CLI (`npm run build` first).
 */
const SUITE = 'cli-robustness';
const STACK = /\n\s+at .+:\d+:\d+/;
let dir = '';
let env: NodeJS.ProcessEnv;

/** Runs the CLI with a stdout pipe whose reading end is closed before the command writes anything. */
function runWithClosedStdout(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

beforeAll(async () => {
  await removeSuite(SUITE);
  dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-robust-'));
  env = { STOWAWAY_DATA_DIR: path.join(dir, 'data'), STOWAWAY_ANALYST: 'analyst' };
  // Something to scan and a case to report on, so each command has real output to lose.
  await runContainer({
    suite: SUITE,
    name: `sw-robust-${process.pid}`,
    hostConfig: { LogConfig: { Type: 'none', Config: {} } },
  });
  const made = await runCli(['case', 'create', 'robustness'], { env });
  expect(made.code, made.stderr).toBe(0);
});

afterAll(async () => {
  await removeSuite(SUITE);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('CLI robustness, for every command', () => {
  const closedPipe: Array<[string, string[]]> = [
    ['scan', ['scan', '--format', 'json']],
    ['scan table', ['scan']],
    ['detectors', ['detectors', '--format', 'json']],
    ['contexts', ['contexts', '--format', 'json']],
    ['report', ['report', 'robustness', '--format', 'json']],
  ];
  for (const [name, args] of closedPipe) {
    it(`${name}: a closed stdout ends the command quietly with its normal exit code`, async () => {
      const r = await runWithClosedStdout(args);
      expect(r.signal).toBeNull();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('EPIPE');
      expect(r.stderr).not.toMatch(STACK);
    });
  }

  it('scan --format json | head -1 in a shell: the first line arrives and the CLI exits 0', async () => {
    const r = await new Promise<{ out: string; status: string }>((resolve, reject) => {
      const sh = spawn(
        'bash',
        [
          '-c',
          `set -o pipefail; node ${JSON.stringify(CLI)} scan --format json 2>"$ERR" | head -1; echo "status=\${PIPESTATUS[0]}"`,
        ],
        { env: { ...process.env, ...env, ERR: path.join(dir, 'err.txt') } },
      );
      let out = '';
      sh.stdout.on('data', (d) => (out += d));
      sh.on('error', reject);
      sh.on('close', () => resolve({ out, status: /status=(\d+)/.exec(out)?.[1] ?? '?' }));
    });
    expect(r.out.split('\n')[0]).toBe('{');
    expect(r.status).toBe('0');
  });

  const unknownOption: Array<[string, string[], string]> = [
    ['scan', ['scan', '--bogus'], 'stowaway scan'],
    ['detectors', ['detectors', '--bogus'], 'stowaway detectors'],
    ['contexts', ['contexts', '--bogus'], 'stowaway contexts'],
    ['report', ['report', 'robustness', '--bogus'], 'stowaway report'],
    ['case list', ['case', 'list', '--bogus'], 'stowaway case list'],
  ];
  for (const [name, args, command] of unknownOption) {
    it(`${name}: an unknown option names the command, the option and where help is`, async () => {
      const r = await runCli(args, { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${command}: error: unknown option '--bogus'`);
      expect(r.stderr).toContain(`(see: ${command} --help)`);
      expect(r.stdout).toBe('');
    });
  }

  it('suggests the closest option for a typo', async () => {
    const r = await runCli(['scan', '--formt', 'json'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(Did you mean --format?)');
  });

  it('expected errors are one line with a code, never a stack trace', async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['scan'], { DOCKER_HOST: 'unix:///nonexistent.sock' }, /^stowaway scan: .*\[SOCKET_MISSING\]\n$/],
      [['scan', '--since', 'yesterday-ish'], {}, /^stowaway scan: .+\n$/],
      [['report', 'no-such-case'], {}, /no-such-case/],
      [['detectors', '--format', 'xml'], {}, /^stowaway detectors: unknown --format xml/],
      [['contexts', '--format', 'xml'], {}, /^stowaway contexts: unknown --format xml/],
    ];
    for (const [args, extra, pattern] of cases) {
      const r = await runCli(args, { env: { ...env, ...extra } });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr, args.join(' ')).not.toMatch(STACK);
    }
  });
});
