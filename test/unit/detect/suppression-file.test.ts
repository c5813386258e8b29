import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baselines, loadSuppressionFile, parseSuppressions } from '../../../electron/engine/detect/suppression-file.js';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { container, engine } from './fixtures.js';

const YAML = `version: 1
suppressions:
  - id: metrics-port
    version: 2
    reason: shop exposes Prometheus metrics without EXPOSE
    owner: platform-team
    detectors: [unexpected-listener]
    match: { image: "registry.example.com/shop:*", ref: "tcp:9090" }
  - id: dind-runners
    version: 1
    reason: docker-in-docker CI runners
    detectors: ["*"]
    match: { label: "ci.role=runner" }
    maxSeverity: critical
    expires: "2099-01-01"
`;

describe('suppression files and baselines', () => {
  it('loads a YAML file and applies it, reporting the entry id and version', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-supp-'));
    const file = path.join(dir, 'suppressions.yaml');
    writeFileSync(file, YAML);
    const supp = await loadSuppressionFile(file);
    expect(supp.map((s) => `${s.id}@${s.version}`)).toEqual(['metrics-port@2', 'dind-runners@1']);
    const runner = container({ privileged: true, labels: { 'ci.role': 'runner' } });
    const r = runDetectors(engine([runner, container({ privileged: true })]), { suppressions: supp });
    expect(r.suppressed.map((f) => f.suppressedBy)).toEqual(['dind-runners@v1']);
    expect(r.findings).toHaveLength(1);
  });

  it('rejects bad files with the entry and field named, and duplicate ids', () => {
    expect(() =>
      parseSuppressions(
        'version: 1\nsuppressions:\n  - id: x\n    version: 1\n    reason: r\n    detectors: ["*"]\n    match: {}\n',
        'a.yaml',
      ),
    ).toThrow(/a\.yaml: suppressions\.0\.match/);
    expect(() => parseSuppressions('version: 2\nsuppressions: []', 'b.yaml')).toThrow(/b\.yaml: version/);
    expect(() => parseSuppressions('[unclosed', 'c.yaml')).toThrow(/c\.yaml is not valid YAML/);
    const dup =
      'version: 1\nsuppressions:\n' +
      '  - { id: same, version: 1, reason: r, detectors: ["*"], match: { image: "x" } }\n'.repeat(2);
    expect(() => parseSuppressions(dup)).toThrow(/appears twice/);
  });

  it('names unknown baselines and keeps high findings visible under the CI baseline', () => {
    expect(() => baselines(['nope'])).toThrow(/known baselines: ci-runners, dev-image-churn/);
    const ci = container(
      { labels: { 'com.gitlab.gitlab-runner.managed': 'true' } },
      {
        files: [
          { path: '/builds/out/app', kind: 'added', flags: ['elf', 'executable'] },
          { path: '/usr/bin/ls', kind: 'changed', flags: ['elf', 'executable'] },
        ],
      },
    );
    const r = runDetectors(engine([ci]), { suppressions: baselines(['ci-runners']), only: ['dropped-executable'] });
    expect(r.suppressed.map((f) => f.severity)).toEqual(['low']);
    expect(r.findings.map((f) => f.severity)).toEqual(['high']);
  });

  it('matches the documented reference formats (per-image baselines with a ref glob)', () => {
    const agent = container({
      image: 'logship:2',
      mounts: [
        { type: 'bind', source: '/var/log', destination: '/host/log', readOnly: true },
        { type: 'bind', source: '/etc', destination: '/host/etc', readOnly: true },
      ],
    });
    const supp = parseSuppressions(
      'version: 1\nsuppressions:\n  - { id: logship, version: 1, reason: log shipper, detectors: [sensitive-host-mount], match: { image: "logship:*", ref: "bind:/var/log" } }\n',
    );
    const r = runDetectors(engine([agent]), { suppressions: supp, only: ['sensitive-host-mount'] });
    expect(r.suppressed.map((f) => f.summary)).toEqual([expect.stringContaining('/var/log')]);
    expect(r.findings.map((f) => f.summary)).toEqual([expect.stringContaining('/etc')]);
  });
});
