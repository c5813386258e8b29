import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema, type ScanResult } from '@shared/domain/scan.js';
import { runCli } from '../helpers/cli.js';
import { BUSYBOX, removeSuite, runContainer, TEST_LABEL } from '../helpers/docker.js';

/**
 * `stowaway scan --suppressions FILE` and `--baseline NAME` against real containers: a container with logging
 * disabled (a medium finding a site may accept for one service) and a CI job container (whose never-pulled
 * image the ci-runners baseline covers). Suppressed findings must come back separately, named by entry and
 * version, and be counted in the table.
 */
const SUITE = 'cli-scan-suppressions';
const tag = `${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
const names = { noLogs: `sw-supp-nolog-${tag}`, ci: `sw-supp-ci-${tag}`, plain: `sw-supp-plain-${tag}` };
const ids: Record<string, string> = {};
let dir = '';
let env: NodeJS.ProcessEnv;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function scanJson(args: string[]): Promise<ScanResult> {
  const r = await runCli(['scan', '--format', 'json', ...args], { env, timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  return ScanResultSchema.parse(JSON.parse(r.stdout));
}

const mine = (list: ScanResult['findings'] | undefined, key: keyof typeof ids, detector: string) =>
  (list ?? []).filter((f) => f.container?.id === ids[key] && f.detector === detector);

const ownImages: string[] = [];
function ownImage(name: string): string {
  const tag = `stowaway-test/supp-${name}:${process.pid}`;
  const made = spawnSync(
    'sh',
    [
      '-c',
      `c=$(docker create --label ${TEST_LABEL}=${SUITE} ${BUSYBOX}) && docker export "$c" | docker import --change 'CMD ["/bin/sh"]' - ${tag} >/dev/null; r=$?; docker rm "$c" >/dev/null; exit $r`,
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`importing ${tag}: ${made.stderr}`);
  ownImages.push(tag);
  return tag;
}

beforeAll(async () => {
  await removeSuite(SUITE);
  dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-supp-'));
  // An empty data directory: no case, so no allowlist in force besides what the command line names.
  env = { STOWAWAY_DATA_DIR: path.join(dir, 'data') };
  ids.noLogs = (
    await runContainer({ suite: SUITE, name: names.noLogs, hostConfig: { LogConfig: { Type: 'none', Config: {} } } })
  ).id;
  // Images are judged once per image, so each container gets an image of its own (imported here, never pulled):
  // its image-tampering finding is then about that container alone, whatever else the engine runs.
  ids.ci = (
    await runContainer({ suite: SUITE, name: names.ci, image: ownImage('ci'), labels: { 'ci.role': 'runner' } })
  ).id;
  ids.plain = (await runContainer({ suite: SUITE, name: names.plain, image: ownImage('plain') })).id;
});

afterAll(async () => {
  await removeSuite(SUITE);
  for (const t of ownImages) spawnSync('docker', ['image', 'rm', '-f', t], { stdio: 'ignore' });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('stowaway scan --suppressions / --baseline', () => {
  it('without either, the findings are all reported and nothing is suppressed', async () => {
    const r = await scanJson([]);
    expect(mine(r.findings, 'noLogs', 'logging-disabled')).toHaveLength(1);
    expect(mine(r.findings, 'ci', 'image-tampering')).toHaveLength(1);
    // Nothing hidden: the output keeps the shape it has always had.
    expect(r.suppressed).toBeUndefined();
  });

  it('a suppression file hides the matching finding into "suppressed", naming the entry and its version', async () => {
    const file = write(
      'suppressions.yaml',
      [
        'version: 1',
        'suppressions:',
        '  - id: batch-logs-off',
        '    version: 2',
        '    reason: The batch service ships its logs over its own pipeline.',
        '    owner: platform',
        '    detectors: [logging-disabled]',
        '    match: { container: "sw-supp-nolog-*" }',
        '    maxSeverity: medium',
        '',
      ].join('\n'),
    );
    const r = await scanJson(['--suppressions', file]);
    expect(mine(r.findings, 'noLogs', 'logging-disabled')).toEqual([]);
    const hidden = mine(r.suppressed, 'noLogs', 'logging-disabled');
    expect(hidden.map((f) => [f.state, f.suppressedBy])).toEqual([['suppressed', 'batch-logs-off@v2']]);
    // Only what the entry matches: the CI container's finding still alerts.
    expect(mine(r.findings, 'ci', 'image-tampering')).toHaveLength(1);
  });

  it("an entry capped below the finding's severity does not hide it", async () => {
    const file = write(
      'capped.json',
      JSON.stringify({
        version: 1,
        suppressions: [
          {
            id: 'logs-low-only',
            version: 1,
            reason: 'only low',
            detectors: ['logging-disabled'],
            match: { container: 'sw-supp-nolog-*' },
            maxSeverity: 'low',
          },
        ],
      }),
    );
    const r = await scanJson(['--suppressions', file]);
    expect(mine(r.findings, 'noLogs', 'logging-disabled')).toHaveLength(1);
    expect(mine(r.suppressed, 'noLogs', 'logging-disabled')).toEqual([]);
  });

  it('--baseline ci-runners covers the CI job and nothing else', async () => {
    const r = await scanJson(['--baseline', 'ci-runners']);
    expect(mine(r.suppressed, 'ci', 'image-tampering').map((f) => f.suppressedBy)).toEqual([
      'baseline.ci-runners.generic@v1',
    ]);
    expect(mine(r.findings, 'ci', 'image-tampering')).toEqual([]);
    expect(mine(r.findings, 'plain', 'image-tampering')).toHaveLength(1);
  });

  it('the table counts suppressed findings and lists them with the entry that hid them', async () => {
    const file = write(
      'table.yaml',
      'version: 1\nsuppressions:\n  - { id: batch-logs-off, version: 3, reason: r, detectors: [logging-disabled], match: { container: "sw-supp-nolog-*" } }\n',
    );
    const r = await runCli(['scan', '--suppressions', file, '--baseline', 'ci-runners'], { env, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const head = r.stdout.split('\n')[0]!;
    const count = Number(/, (\d+) suppressed,/.exec(head)?.[1]);
    expect(count).toBeGreaterThanOrEqual(2);
    const section = r.stdout.slice(r.stdout.indexOf(`\nSuppressed (${count}):`));
    expect(section).toMatch(new RegExp(`MEDIUM\\s+logging-disabled\\s+${names.noLogs}\\s+batch-logs-off@v3`));
    expect(section).toMatch(new RegExp(`LOW\\s+image-tampering\\s+${names.ci}\\s+baseline\\.ci-runners\\.generic@v1`));
  });

  it('SARIF output carries suppressed findings as SARIF suppressions with the entry as justification', async () => {
    const file = write(
      'sarif.yaml',
      'version: 1\nsuppressions:\n  - { id: batch-logs-off, version: 4, reason: r, detectors: [logging-disabled], match: { container: "sw-supp-nolog-*" } }\n',
    );
    const r = await runCli(['scan', '--format', 'sarif', '--suppressions', file], { env, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    type SarifResult = {
      ruleId: string;
      properties: { containerId?: string };
      suppressions?: Array<{ kind: string; justification: string }>;
    };
    const results = (JSON.parse(r.stdout) as { runs: Array<{ results: SarifResult[] }> }).runs[0]!.results;
    const logs = results.filter((x) => x.ruleId === 'logging-disabled' && x.properties.containerId === ids.noLogs);
    expect(logs.map((x) => x.suppressions)).toEqual([
      [{ kind: 'external', status: 'accepted', justification: 'suppressed by batch-logs-off@v4' }],
    ]);
    const ci = results.filter((x) => x.ruleId === 'image-tampering' && x.properties.containerId === ids.ci);
    expect(ci.map((x) => x.suppressions)).toEqual([undefined]);
  });

  it('a bad file or an unknown baseline is a usage error naming the problem, before any scanning', async () => {
    const dup = write(
      'dup.yaml',
      'version: 1\nsuppressions:\n  - { id: a, version: 1, reason: r, detectors: ["*"], match: { image: "x" } }\n  - { id: a, version: 1, reason: r, detectors: ["*"], match: { image: "y" } }\n',
    );
    const bad = write(
      'bad.yaml',
      'version: 1\nsuppressions:\n  - { id: a, version: 1, reason: r, detectors: ["*"], match: {} }\n',
    );
    for (const [args, message] of [
      [['--suppressions', dup], 'suppression id a appears twice'],
      [['--suppressions', bad], 'suppressions.0.match: a suppression must match on at least one of'],
      [['--suppressions', path.join(dir, 'missing.yaml')], 'Cannot read suppression file'],
      [['--baseline', 'prod'], 'Unknown baseline "prod"; known baselines: ci-runners, dev-image-churn'],
    ] as const) {
      const r = await runCli(['scan', ...args], { env });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });
});
