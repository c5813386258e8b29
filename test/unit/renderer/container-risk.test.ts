import { describe, expect, it } from 'vitest';
import { riskByContainer, sortContainers } from '../../../renderer/src/features/engines/container-risk.js';
import type { Finding } from '@shared/domain/finding.js';
import type { ContainerSummary } from '@shared/domain/container.js';

const f = (id: string, cid: string, severity: Finding['severity'], state: Finding['state'] = 'new'): Finding => ({
  id,
  detector: 'd',
  title: id,
  severity,
  attack: [],
  kind: 'live',
  container: { id: cid, name: cid },
  evidence: [],
  summary: '',
  state,
});
const c = (id: string): ContainerSummary => ({
  id,
  engineId: 'e',
  name: id,
  image: 'i',
  imageId: 'x',
  command: '',
  state: 'running',
  status: '',
  created: new Date(0).toISOString(),
  labels: {},
});

describe('rail risk', () => {
  const result = {
    containers: [
      { id: 'a', risk: 20 },
      { id: 'b', risk: 90 },
      { id: 'c', risk: 0 },
      { id: 'd', risk: 40 },
    ],
    findings: [
      f('1', 'a', 'low'),
      f('2', 'a', 'medium'),
      f('3', 'b', 'critical'),
      f('4', 'd', 'high', 'false-positive'),
    ],
  };
  it('counts undismissed findings per container with their worst severity', () => {
    const r = riskByContainer(result);
    expect(r.get('a')).toEqual({ risk: 20, findings: 2, worst: 'medium' });
    expect(r.get('b')).toEqual({ risk: 90, findings: 1, worst: 'critical' });
    // No badge without findings, nor when the only finding was judged a false positive.
    expect(r.has('c')).toBe(false);
    expect(r.has('d')).toBe(false);
    expect(riskByContainer(null).size).toBe(0);
  });
  it('sorts riskiest first and keeps the engine order otherwise', () => {
    const list = ['c', 'a', 'd', 'b'].map(c);
    const r = riskByContainer(result);
    expect(sortContainers(list, 'risk', r).map((x) => x.id)).toEqual(['b', 'a', 'c', 'd']);
    expect(sortContainers(list, 'engine', r)).toBe(list);
  });
});
