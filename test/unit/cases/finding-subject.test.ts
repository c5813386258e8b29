import { describe, expect, it } from 'vitest';
import type { Finding } from '@shared/domain/finding.js';
import { makeFindings, makeScan } from '../../helpers/case-fixtures.js';
import { freshCaseStore } from '../../helpers/case-store.js';

/** A finding's cause and Kubernetes workload survive the case store, so a case groups and names them as the scan did. */
describe('finding subject in a case', () => {
  const store = freshCaseStore();

  it('keeps cause and workload through a case, and verify catches a rewritten one', async () => {
    const cases = store.cases;
    const [a, b, c] = makeFindings(3);
    const findings: Finding[] = [
      { ...a!, cause: 'image built without a digest' },
      {
        ...b!,
        cause: 'image built without a digest',
        workload: { kind: 'Deployment', namespace: 'prod', name: 'miner', container: 'xmrig' },
      },
      { ...c! },
    ];
    const k = cases.create('subjects');
    cases.addScan(k.id, makeScan(findings));
    const stored = new Map(cases.allFindings(k.id).map((f) => [f.id, f]));
    expect(stored.get(a!.id)!.cause).toBe('image built without a digest');
    expect(stored.get(b!.id)!.workload).toEqual({
      kind: 'Deployment',
      namespace: 'prod',
      name: 'miner',
      container: 'xmrig',
    });
    expect(stored.get(c!.id)!.cause).toBeUndefined();
    expect(stored.get(c!.id)!.workload).toBeUndefined();
    expect((await cases.verify(k.id)).ok).toBe(true);

    cases.db
      .prepare('UPDATE findings SET subject = ? WHERE id = ?')
      .run(JSON.stringify({ cause: 'something else' }), a!.id);
    const v = await cases.verify(k.id);
    expect(v.ok).toBe(false);
    expect(JSON.stringify(v.problems)).toContain('cause or workload');
  });
});
