import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';
import { formatRuleError, loadRulesDir } from '../../../electron/engine/detect/rules/load-rules.js';
import { conditionHolds } from '../../../electron/engine/detect/rules/match.js';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { container, engine, hostProcs } from './fixtures.js';

/** Rule files as an analyst writes them, read from a real directory: valid ones load, each invalid one is named by file and line. */
let dir = '';
const BUILTIN = DETECTORS.map((d) => d.meta.id);

const GOOD = `version: 1
rules:
  - id: site.curl-paste
    version: 3
    title: curl fetching from a paste site
    severity: high
    attack: [T1105]
    scope: process
    description: Downloads from paste sites are how the March incident staged its tools.
    match:
      comm: { in: [curl, wget] }
      cmdline: "*paste.example*"
      container.image: { notGlob: "registry.example/*" }
    summary: "{container.name} ran {cmdline}"
    response: [Isolate the container and preserve it.]
  - id: site.debug-label
    version: 1
    title: Debug containers left running
    severity: low
    attack: [T1610]
    scope: container
    description: Containers labelled for debugging should not outlive the session.
    match:
      labels: { label: "purpose=debug*" }
      state: running
    response: [Stop it.]
`;

const BROKEN: Record<string, string> = {
  'a-syntax.yaml': 'version: 1\nrules:\n  - id: x\n    title: [unclosed\n',
  'b-schema.yaml': `version: 1
rules:
  - id: site.ok-one
    version: 1
    title: fine
    severity: low
    attack: [T1105]
    scope: socket
    description: d
    match: { remotePort: { gte: 4444, lte: 4450 } }
    response: [r]
  - id: site.bad-severity
    version: 1
    title: wrong severity
    severity: urgent
    attack: [T1105]
    scope: process
    description: d
    match: { comm: nc }
    response: [r]
`,
  'c-field.yml': `version: 1
rules:
  - id: site.bad-field
    version: 1
    title: t
    severity: low
    attack: [T1105]
    scope: process
    description: d
    match:
      comm: sh
      commandline: "*x*"
    response: [r]
  - id: reverse-shell
    version: 1
    title: clashes with a built-in
    severity: low
    attack: [T1105]
    scope: process
    description: d
    match: { comm: sh }
    response: [r]
  - id: site.bad-regex
    version: 1
    title: t
    severity: low
    attack: [T1105]
    scope: process
    description: d
    match: { cmdline: { regex: "([a-z" } }
    response: [r]
`,
  'notes.txt': 'not a rule file',
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-rules-'));
  writeFileSync(path.join(dir, 'good.yaml'), GOOD);
  for (const [name, text] of Object.entries(BROKEN)) writeFileSync(path.join(dir, name), text);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loading a rules directory', () => {
  it('loads the valid rules of every file and names each invalid one by file and line', async () => {
    const r = await loadRulesDir(dir, BUILTIN);
    expect(r.detectors.map((d) => d.meta.id)).toEqual(['site.ok-one', 'site.curl-paste', 'site.debug-label']);
    const errs = r.errors.map(formatRuleError);
    expect(errs, errs.join('\n')).toHaveLength(5);
    // The flow sequence is never closed: the parser finds out at the end of the file.
    expect(errs[0]).toMatch(/a-syntax\.yaml:5: not valid YAML/);
    expect(errs[1]).toMatch(/b-schema\.yaml:15: rule 2 \(site\.bad-severity\): severity: /);
    expect(errs[2]).toMatch(/c-field\.yml:12: rule site\.bad-field: scope process has no field "commandline"/);
    expect(errs[3]).toMatch(/c-field\.yml:14: rule reverse-shell: the id is already used by a built-in detector/);
    expect(errs[4]).toMatch(
      /c-field\.yml:30: rule 3 \(site\.bad-regex\): match\.cmdline\.regex: not a valid regular expression/,
    );
  });

  it('gives the metadata its source file, line and version, and findings the rule id', async () => {
    const r = await loadRulesDir(dir, BUILTIN);
    const curl = r.detectors.find((d) => d.meta.id === 'site.curl-paste')!;
    expect(curl.meta.source).toBe(`${path.join(dir, 'good.yaml')}:3, rule version 3`);
    expect([curl.meta.kind, curl.meta.goal]).toEqual([
      'live',
      'Downloads from paste sites are how the March incident staged its tools.',
    ]);
  });

  it('a missing default directory is no rules; a named one is an error', async () => {
    expect(await loadRulesDir(path.join(dir, 'nope'), BUILTIN, true)).toEqual({
      dir: path.join(dir, 'nope'),
      detectors: [],
      errors: [],
    });
    expect((await loadRulesDir(path.join(dir, 'nope'), BUILTIN)).errors[0]!.message).toMatch(
      /cannot read the rules directory/,
    );
  });
});

describe('matching', () => {
  it("operators behave as the suppressions' (globs, labels) and as comparisons", () => {
    expect(conditionHolds('ngin?', 'nginx')).toBe(true);
    expect(conditionHolds({ in: ['a', 'b'] }, ['x', 'b'])).toBe(true);
    expect(conditionHolds({ label: 'team=sec*' }, { team: 'security' })).toBe(true);
    expect(conditionHolds({ gte: 4444, lte: 4450 }, 4445)).toBe(true);
    expect(conditionHolds({ gte: 4444 }, '4445')).toBe(false);
    expect(conditionHolds({ exists: false }, undefined)).toBe(true);
    expect(conditionHolds({ contains: 'x' }, undefined)).toBe(false);
    expect(conditionHolds({ notGlob: ['a*', 'b*'] }, 'cat')).toBe(true);
    expect(conditionHolds(true, true)).toBe(true);
  });

  it('a loaded rule finds its process and fills its summary; the look-alike is left alone', async () => {
    const { detectors } = await loadRulesDir(dir, BUILTIN);
    const curl = {
      ppid: 1,
      comm: 'curl',
      cmdline: 'curl -s https://paste.example/raw/abc',
      exe: '/usr/bin/curl',
      user: '0',
    };
    const bad = container(
      { name: 'fetcher', image: 'alpine:3' },
      { processes: hostProcs('x', [{ pid: 10, ...curl }]) },
    );
    const okImage = container(
      { name: 'trusted', image: 'registry.example/tools:1' },
      { processes: hostProcs('y', [{ pid: 11, ...curl }]) },
    );
    const r = runDetectors(engine([bad, okImage]), { detectors: [...DETECTORS, ...detectors] });
    const hits = r.findings.filter((f) => f.detector === 'site.curl-paste');
    expect(hits.map((f) => [f.container?.name, f.severity, f.summary, f.attack, f.cause])).toEqual([
      ['fetcher', 'high', 'fetcher ran curl -s https://paste.example/raw/abc', ['T1105'], 'rule:site.curl-paste'],
    ]);
    expect(r.failures).toEqual([]);
  });
});
