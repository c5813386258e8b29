import { describe, expect, it } from 'vitest';
import { CIS_SECTION_5, FALCO_K8SAUDIT, POD_SECURITY_STANDARDS } from '../../../electron/engine/detect/kube-coverage.js';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';

describe('Kubernetes coverage tables', () => {
  const ids = new Set(DETECTORS.map((d) => d.meta.id));
  it('name only detectors that exist, and every covered or partial row names one', () => {
    for (const r of [...FALCO_K8SAUDIT, ...POD_SECURITY_STANDARDS, ...CIS_SECTION_5]) {
      for (const d of r.detectors) expect(ids.has(d), `${r.title}: ${d}`).toBe(true);
      if (r.status === 'covered' || r.status === 'partial') expect(r.detectors.length, r.title).toBeGreaterThan(0);
      else expect(r.note !== undefined || r.status === 'not covered', r.title).toBe(true);
    }
  });

  it('list every Falco k8saudit rule once, the Pod Security Standards checks of both profiles, and CIS section 5', () => {
    const names = FALCO_K8SAUDIT.map((r) => r.title);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(48);
    expect(POD_SECURITY_STANDARDS.filter((r) => r.ref === 'baseline').length).toBe(12);
    expect(POD_SECURITY_STANDARDS.filter((r) => r.ref === 'restricted').length).toBe(6);
    expect(CIS_SECTION_5.every((r) => /^5\.\d\.\d+$/.test(r.ref))).toBe(true);
  });
});
