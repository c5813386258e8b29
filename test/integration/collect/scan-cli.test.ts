import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema } from '@shared/domain/scan.js';
import { severityRank } from '@shared/domain/finding.js';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';
import { CLI, ROOT, runCli } from '../../helpers/cli.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';
import { waitForFile } from './wait.js';

const SUITE = 'collect-scan-cli';

describe('stowaway scan (CLI contract)', () => {
  let flagged = '';
  let created = '';
  beforeAll(async () => {
    await removeSuite(SUITE);
    flagged = (
      await runContainer({
        suite: SUITE,
        image: 'stowaway-test/attrs:1',
        name: `sw-cli-flagged-${process.pid}`,
        hostConfig: { CapAdd: ['LINUX_IMMUTABLE'] },
        cmd: ['sh', '-c', 'echo x > /tmp/locked && chattr +i /tmp/locked && touch /tmp/ready && sleep 3600'],
      })
    ).id;
    created = (await runContainer({ suite: SUITE, name: `sw-cli-created-${process.pid}`, start: false })).id;
    await waitForFile(flagged, '/tmp/ready');
  }, 60_000);
  afterAll(() => removeSuite(SUITE));

  it('--format json prints exactly the ScanResult contract, for running and stopped containers', async () => {
    const r = await runCli(['scan', '--format', 'json', '--since', '10m']);
    expect(r.code, r.stderr).toBe(0);
    const raw = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(['containers', 'durationMs', 'engine', 'errors', 'findings', 'scannedAt']);
    const result = ScanResultSchema.parse(raw);
    expect(
      result.containers
        .filter((c) => [flagged, created].includes(c.id))
        .map((c) => c.state)
        .sort(),
    ).toEqual(['created', 'running']);
    const mine = result.findings.filter((f) => f.container?.id === flagged);
    expect(mine.length).toBeGreaterThan(0);
    for (const f of mine)
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining([
          'id',
          'detector',
          'title',
          'severity',
          'attack',
          'kind',
          'container',
          'evidence',
          'summary',
        ]),
      );
    // Not a terminal: no progress on stderr.
    expect(r.stderr).not.toMatch(/\[\d+\/\d+\]/);
  }, 60_000);

  it('--fail-on exits 1 exactly when a finding meets the threshold', async () => {
    const low = await runCli(['scan', '--format', 'json', '--fail-on', 'low']);
    expect(low.code, low.stderr).toBe(1);
    const critical = await runCli(['scan', '--format', 'json', '--fail-on', 'critical']);
    const result = ScanResultSchema.parse(JSON.parse(critical.stdout));
    const anyCritical = result.findings.some((f) => severityRank(f.severity) >= severityRank('critical'));
    expect(critical.code).toBe(anyCritical ? 1 : 0);
  }, 60_000);

  it('exits 2 on usage and connection errors, with a message on stderr', async () => {
    for (const args of [
      ['scan', '--format', 'xml'],
      ['scan', '--fail-on', 'severe'],
      ['scan', '--since', 'yesterday'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/stowaway scan: /);
      expect(r.stdout).toBe('');
    }
    const down = await runCli(['scan', '--host', 'unix:///nonexistent/docker.sock']);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('SOCKET_MISSING');
    const noContext = await runCli(['scan', '--context', `no-such-context-${process.pid}`]);
    expect(noContext.code).toBe(2);
  }, 120_000);

  it('exits 2 with PERMISSION_DENIED for a user who may not use the engine socket', () => {
    // An unprivileged user (nobody, no docker group) running the same CLI.
    const r = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'scan', '--format', 'json'],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: os.tmpdir() },
        timeout: 60_000,
      },
    );
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('PERMISSION_DENIED');
    expect(r.stdout).toBe('');
  });

  it('--host selects the engine explicitly', async () => {
    const r = await runCli(['scan', '--format', 'json', '--host', 'unix:///var/run/docker.sock']);
    expect(r.code, r.stderr).toBe(0);
    const result = ScanResultSchema.parse(JSON.parse(r.stdout));
    expect(result.engine.endpoint).toBe('unix:///var/run/docker.sock');
    expect(result.containers.some((c) => c.id === flagged)).toBe(true);
  }, 60_000);

  it('--format sarif is valid SARIF 2.1.0 with one rule per detector', async () => {
    const r = await runCli(['scan', '--format', 'sarif']);
    expect(r.code, r.stderr).toBe(0);
    const sarif = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), ajv.errorsText(validate.errors)).toBe(true);
    const run = sarif.runs[0];
    const rules = run.tool.driver.rules as { id: string }[];
    expect(rules.map((x) => x.id)).toEqual(DETECTORS.map((d) => d.meta.id));
    const results = run.results as {
      ruleId: string;
      ruleIndex: number;
      locations: { logicalLocations: { fullyQualifiedName: string }[] }[];
    }[];
    const mine = results.filter((x) => x.locations[0]!.logicalLocations[0]!.fullyQualifiedName.endsWith(flagged));
    expect(mine.length).toBeGreaterThan(0);
    for (const x of results) expect(rules[x.ruleIndex]!.id).toBe(x.ruleId);
  }, 60_000);

  it('prints a table by default', async () => {
    const r = await runCli(['scan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Engine /);
    expect(r.stdout).toContain(`sw-cli-flagged-${process.pid}`);
  }, 60_000);
});
