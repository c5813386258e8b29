import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBundle } from '../../electron/engine/bundle/write-bundle.js';
import { ScanResultSchema, type ScanResult } from '@shared/domain/scan.js';
import { runCli } from '../helpers/cli.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { collect, script, waitReady } from '../scenarios/harness.js';

/**
 * Detection as code against a real engine: a rule file written for "today's incident" (a sleeper with a telltale
 * argument) finds that container in a real `stowaway scan --rules DIR` and leaves its look-alike alone; a broken rule
 * file beside it is reported by file and line while the scan goes on; `stowaway detectors --test` runs the same rules
 * over the recorded evidence of those containers, saved as JSON and as a bundle.
 */
const SUITE = 'cli-rules';
const tag = `${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
const names = { implant: `sw-rules-implant-${tag}`, lookalike: `sw-rules-plain-${tag}` };
const ids: Record<string, string> = {};
let dir = '';
let env: NodeJS.ProcessEnv;
let good = '';
let mixed = '';
let evidenceFile = '';
let bundleFile = '';

const RULE = (nameGlob: string) => `version: 1
rules:
  - id: site.sleeper-implant
    version: 2
    title: Sleeper with the incident's marker argument
    severity: high
    attack: [T1036.005]
    scope: process
    description: The implant of incident 42 waits as "sleep 3601"; its look-alikes sleep 3600.
    match:
      comm: sleep
      cmdline: "sleep 3601*"
      container.name: "${nameGlob}"
    summary: "{container.name} runs {cmdline} (pid {pid})"
    response: [Preserve the container, then isolate it.]
`;
const BROKEN = `version: 1
rules:
  - id: site.broken
    version: 1
    title: t
    severity: high
    attack: [T1105]
    scope: socket
    description: d
    match:
      remotePort: { between: [1, 2] }
    response: [r]
`;

beforeAll(async () => {
  await removeSuite(SUITE);
  dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-cli-rules-'));
  env = { STOWAWAY_DATA_DIR: path.join(dir, 'data') };
  good = path.join(dir, 'good');
  mixed = path.join(dir, 'mixed');
  for (const d of [good, mixed, path.join(dir, 'data', 'rules')]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(good, 'incident-42.yaml'), RULE(`sw-rules-*-${tag}`));
  writeFileSync(path.join(mixed, 'incident-42.yaml'), RULE(`sw-rules-*-${tag}`));
  writeFileSync(path.join(mixed, 'zz-broken.yml'), BROKEN);
  writeFileSync(path.join(dir, 'data', 'rules', 'incident-42.yaml'), RULE(`sw-rules-*-${tag}`));
  const since = new Date(Date.now() - 1000);
  const implant = await runContainer({ suite: SUITE, name: names.implant, cmd: script('sleep 3601 &') });
  const lookalike = await runContainer({ suite: SUITE, name: names.lookalike, cmd: script('sleep 3600 &') });
  await Promise.all([waitReady(implant), waitReady(lookalike)]);
  ids.implant = implant.id;
  ids.lookalike = lookalike.id;
  const evidence = await collect([implant.id, lookalike.id], since);
  evidenceFile = path.join(dir, 'evidence.json');
  writeFileSync(evidenceFile, JSON.stringify(evidence));
  const result: ScanResult = ScanResultSchema.parse({
    engine: { id: evidence.engine.id, name: evidence.engine.name, endpoint: evidence.engine.endpoint },
    scannedAt: evidence.collectedAt,
    durationMs: 0,
    containers: [],
    findings: [],
    errors: [],
  });
  bundleFile = path.join(dir, 'evidence.tar.gz');
  await writeBundle(bundleFile, { result, evidence, createdBy: 'analyst' });
}, 120_000);

afterAll(async () => {
  await removeSuite(SUITE);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('stowaway scan --rules DIR (real engine)', () => {
  it('raises the rule on the implant only, and reports the broken file by line without failing the scan', async () => {
    const r = await runCli(['scan', '--format', 'json', '--rules', mixed], { env, timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(0);
    const scan = ScanResultSchema.parse(JSON.parse(r.stdout));
    const hits = scan.findings.filter((f) => f.detector === 'site.sleeper-implant');
    expect(hits.map((f) => [f.container?.id, f.severity, f.attack])).toEqual([[ids.implant, 'high', ['T1036.005']]]);
    expect(hits[0]!.summary).toMatch(new RegExp(`^${names.implant} runs sleep 3601 \\(pid \\d+\\)$`));
    const bad = scan.errors.filter((e) => e.code === 'RULE_INVALID');
    expect(bad.map((e) => [e.call, e.message])).toEqual([
      [
        `rules ${path.join(mixed, 'zz-broken.yml')}:11`,
        expect.stringMatching(/^rule 1 \(site\.broken\): match\.remotePort/),
      ],
    ]);
    // The built-ins still ran beside the rule.
    expect(scan.findings.some((f) => f.detector === 'runtime-hardening' && f.container?.id === ids.implant)).toBe(true);
  }, 200_000);

  it('a --rules path that is not a directory is a usage error', async () => {
    const r = await runCli(['scan', '--rules', path.join(dir, 'missing')], { env });
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      `stowaway scan: --rules ${path.join(dir, 'missing')} is not a directory`,
    ]);
  });
});

describe('stowaway detectors with rule files', () => {
  it("lists the data directory's rules with their source, after the built-ins", async () => {
    const r = await runCli(['detectors'], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SEVERITY\s+KIND\s+ATT&CK\s+STRATEGY\s+TITLE\s+SOURCE$/);
    expect(lines[1]).toMatch(/\sbuilt-in$/);
    expect(lines[lines.length - 1]).toMatch(
      new RegExp(
        `^site\\.sleeper-implant\\s+high\\s+live\\s+T1036\\.005\\s+ADS-evasion\\s+.*${path.join(dir, 'data', 'rules', 'incident-42.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3, rule version 2$`,
      ),
    );
    const md = await runCli(['detectors', '--format', 'md'], { env });
    expect(md.stdout).toContain('## site.sleeper-implant');
    expect(md.stdout).toContain(
      `- Source: rule file \`${path.join(dir, 'data', 'rules', 'incident-42.yaml')}:3, rule version 2\``,
    );
  });

  it('--test runs the rules over evidence saved as JSON and prints what each matched', async () => {
    const r = await runCli(['detectors', '--test', good, '--evidence', evidenceFile], { env });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Rules in .* against evidence of local collected .*: 1 rules, 0 invalid\.$/);
    expect(lines.slice(2)).toEqual([
      `site.sleeper-implant@v2 (${path.join(good, 'incident-42.yaml')}:3): 1 match`,
      expect.stringMatching(
        new RegExp(`^  high\\s+${names.implant}\\s+${names.implant} runs sleep 3601 \\(pid \\d+\\)$`),
      ),
    ]);
  });

  it('--test reads a bundle the same way, and reports broken rules with exit code 2', async () => {
    const r = await runCli(['detectors', '--test', mixed, '--bundle', bundleFile, '--format', 'json'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `stowaway detectors: ${path.join(mixed, 'zz-broken.yml')}:11: rule 1 (site.broken): match.remotePort`,
    );
    const doc = JSON.parse(r.stdout) as {
      rules: Array<{ id: string; version: number; matches: Array<{ container?: { id: string } }> }>;
    };
    expect(doc.rules.map((x) => [x.id, x.version, x.matches.map((m) => m.container?.id)])).toEqual([
      ['site.sleeper-implant', 2, [ids.implant]],
    ]);
  });

  it('--test without evidence is a usage error', async () => {
    const r = await runCli(['detectors', '--test', good], { env });
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      'stowaway detectors: --test needs recorded evidence: one of --evidence FILE or --bundle FILE',
    ]);
  });
});
