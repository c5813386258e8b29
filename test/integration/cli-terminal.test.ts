import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, runCli } from '../helpers/cli.js';
import { labelledEngine, type LabelledEngine } from '../e2e/fixtures/labelled-engine.js';

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * `stowaway` on a real terminal (a pty from util-linux `script`) and off one: the progress bar, --quiet,
 * --no-color and NO_COLOR, and shell completion scripts run by the shells themselves.
 */
describe('the CLI on a terminal', { timeout: 300_000 }, () => {
  let engine: LabelledEngine;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sw-cli-tty-'));
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    DOCKER_HOST: engine.host,
    STOWAWAY_DATA_DIR: tmp,
    NO_COLOR: '',
    ...extra,
  });

  /** Runs the CLI with stderr (and stdout unless redirected) on a pty; returns what the terminal received. */
  function onTty(args: string, extraEnv: Record<string, string> = {}, stdoutFile?: string): string {
    const cmd = `node ${quote(CLI)} ${args}${stdoutFile ? ` > ${quote(stdoutFile)}` : ''}`;
    return execFileSync('script', ['-qec', cmd, '/dev/null'], {
      env: env(extraEnv),
      encoding: 'utf8',
      timeout: 240_000,
    });
  }

  beforeAll(async () => {
    engine = await labelledEngine('cli-terminal', 4, 'tty');
  }, 200_000);
  afterAll(async () => {
    await engine?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('draws a progress bar with container counts and the phase on a terminal, in colour', () => {
    const out = path.join(tmp, 'scan.json');
    const tty = onTty('scan --format json', {}, out);
    expect(tty).toContain('\r\x1b[2K[');
    expect(tty).toMatch(/\d+\/4 containers · (collecting|detecting)/);
    expect(tty).toContain('\x1b[32m█');
    // The bar is wiped at the end; the result went to stdout untouched.
    expect(tty.endsWith('\r\x1b[2K') || tty.trimEnd().endsWith('\x1b[2K')).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8')).containers).toHaveLength(4);
  });

  it('keeps colour out with --no-color or NO_COLOR, and the bar out with --quiet', () => {
    const out = path.join(tmp, 'scan2.json');
    for (const [args, extra] of [
      ['--no-color scan --format json', {}],
      ['scan --format json', { NO_COLOR: '1' }],
    ] as const) {
      const tty = onTty(args, extra, out);
      expect(tty).toMatch(/\d+\/4 containers/);
      expect(tty).not.toContain('\x1b[32m');
    }
    expect(onTty('scan --quiet --format json', {}, out)).toBe('');
    expect(onTty('--quiet scan --format json', {}, out)).toBe('');
  });

  it('is silent on stderr when it is not a terminal', async () => {
    const r = await runCli(['scan', '--format', 'json'], { env: env(), timeoutMs: 240_000 });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).containers).toHaveLength(4);
  });

  it('colours severities in the table on a terminal only', async () => {
    const tty = onTty('scan');
    expect(tty).toMatch(/\x1b\[(35|31|33|34)m(CRITICAL|HIGH|MEDIUM|LOW)\x1b\[0m/);
    expect(onTty('scan', { NO_COLOR: '1' })).not.toMatch(/\x1b\[(35|31|33|34)m/);
    const piped = await runCli(['scan'], { env: env(), timeoutMs: 240_000 });
    expect(piped.stdout).toMatch(/^(HIGH|MEDIUM|LOW|CRITICAL) /m);
    expect(piped.stdout).not.toContain('\x1b[');
  });

  it('completes commands, options and values in bash', async () => {
    const script = path.join(tmp, 'stowaway.bash');
    writeFileSync(script, (await runCli(['completion', 'bash'])).stdout);
    const complete = (...words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `source ${quote(script)}; COMP_WORDS=(${words.map(quote).join(' ')}); COMP_CWORD=${words.length - 1}; _stowaway; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
    expect(complete('stowaway', 'sc')).toEqual(['scan']);
    expect(complete('stowaway', 'scan', '--fail')).toEqual(['--fail-on']);
    expect(complete('stowaway', 'scan', '--fail-on', '')).toEqual(['low', 'medium', 'high', 'critical']);
    expect(complete('stowaway', 'case', 'v')).toEqual(['verify']);
    expect(complete('stowaway', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('stowaway', '--qu')).toEqual(['--quiet']);
    expect((await runCli(['completion', 'csh'])).code).toBe(2);
  });

  it.skipIf(!has('fish'))('completes in fish', async () => {
    const script = path.join(tmp, 'stowaway.fish');
    writeFileSync(script, (await runCli(['completion', 'fish'])).stdout);
    const complete = (line: string) =>
      execFileSync('fish', ['-c', `source ${quote(script)}; complete -C ${quote(line)}`], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.split('\t')[0])
        .filter(Boolean);
    expect(complete('stowaway sc')).toEqual(['scan']);
    expect(complete('stowaway scan --fail-on ')).toEqual(expect.arrayContaining(['low', 'critical']));
    expect(complete('stowaway completion ')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
  });

  it.skipIf(!has('zsh'))('loads in zsh with compinit and defines the completion', async () => {
    const script = path.join(tmp, '_stowaway');
    writeFileSync(script, (await runCli(['completion', 'zsh'])).stdout);
    execFileSync('zsh', ['-n', script]);
    const out = execFileSync(
      'zsh',
      [
        '-fc',
        `autoload -U compinit; compinit -u -D; source ${quote(script)}; print -r -- $_comps[stowaway]; whence -w _stowaway_scan`,
      ],
      { encoding: 'utf8' },
    );
    expect(out).toContain('_stowaway');
    expect(out).toContain('_stowaway_scan: function');
  });
});
