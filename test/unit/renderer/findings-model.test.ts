import { describe, expect, it } from 'vitest';
import type { Finding } from '@shared/domain/finding.js';
import { evidenceTarget, facet, selectFindings } from '../../../renderer/src/features/findings/findings-model.js';
import { resolveProcessRef } from '../../../renderer/src/features/processes/ProcessTree.js';
import { buildTree } from '../../../renderer/src/features/processes/process-model.js';

const f = (id: string, over: Partial<Finding>): Finding => ({
  id,
  detector: 'd',
  title: id,
  severity: 'low',
  attack: ['T1610'],
  kind: 'state',
  evidence: [],
  summary: '',
  state: 'new',
  ...over,
});
const none = {
  query: '',
  severities: new Set<string>(),
  states: new Set<string>(),
  detector: '',
  technique: '',
  container: '',
};

describe('findings triage model', () => {
  const all = [
    f('a', { severity: 'critical', attack: ['T1611'], container: { id: 'c1', name: 'web' } }),
    f('b', { severity: 'low', attack: ['T1222.002'], state: 'false-positive', container: { id: 'c2', name: 'db' } }),
    f('c', {
      severity: 'high',
      detector: 'x',
      attack: ['T1564.001'],
      evidence: [{ kind: 'file', ref: '/tmp/.hidden', excerpt: 'added' }],
    }),
  ];

  it('sorts by severity with stable ties and filters by each facet', () => {
    expect(selectFindings(all, none, { key: 'severity', desc: true }).map((x) => x.id)).toEqual(['a', 'c', 'b']);
    expect(
      selectFindings(all, { ...none, states: new Set(['new']) }, { key: 'title', desc: false }).map((x) => x.id),
    ).toEqual(['a', 'c']);
    expect(
      selectFindings(all, { ...none, technique: 'T1222' }, { key: 'title', desc: false }).map((x) => x.id),
    ).toEqual(['b']);
    expect(selectFindings(all, { ...none, container: 'c1' }, { key: 'title', desc: false }).map((x) => x.id)).toEqual([
      'a',
    ]);
    expect(selectFindings(all, { ...none, detector: 'x' }, { key: 'title', desc: false }).map((x) => x.id)).toEqual([
      'c',
    ]);
    expect(selectFindings(all, { ...none, query: '.HIDDEN' }, { key: 'title', desc: false }).map((x) => x.id)).toEqual([
      'c',
    ]);
    expect(facet(all, (x) => x.attack).map(([k]) => k)).toEqual(['T1222.002', 'T1564.001', 'T1611']);
  });

  it('sends each kind of evidence to the view that shows it', () => {
    expect(evidenceTarget('process')).toEqual({ tab: 'processes', focusKind: 'process' });
    expect(evidenceTarget('file')).toEqual({ tab: 'files', focusKind: 'file' });
    expect(evidenceTarget('socket').tab).toBe('network');
    expect(evidenceTarget('inspect').tab).toBe('overview');
  });

  it('resolves process references written by detectors', () => {
    const host = buildTree([
      { pid: 500, ppid: 1, nsPid: 1, user: 'root', comm: 'sh', cmdline: 'sh', flags: [] },
      { pid: 501, ppid: 500, nsPid: 13, user: 'root', comm: 'sleep', cmdline: 'sleep', flags: [] },
    ]);
    expect(resolveProcessRef('pid 501', host, undefined)).toEqual({ side: 'host', pid: 501 });
    expect(resolveProcessRef('/proc/13', host, undefined)).toEqual({ side: 'host', pid: 501 });
    expect(resolveProcessRef('pid 999', host, undefined)).toBeUndefined();
  });
});
