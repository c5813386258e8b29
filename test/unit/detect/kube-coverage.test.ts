import { describe, expect, it } from 'vitest';
import {
  CIS_SECTION_5,
  FALCO_K8SAUDIT,
  POD_SECURITY_STANDARDS,
  renderKubeCoverage,
} from '../../../electron/engine/detect/kube-coverage.js';
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

  it('leave no Falco k8saudit rule, Pod Security Standards check or CIS section 5 row not covered', () => {
    const open = (rows: typeof FALCO_K8SAUDIT) =>
      rows.filter((r) => r.status === 'not covered').map((r) => `${r.ref} ${r.title}`);
    expect(open(FALCO_K8SAUDIT)).toEqual([]);
    expect(open(POD_SECURITY_STANDARDS)).toEqual([]);
    expect(open(CIS_SECTION_5)).toEqual([]);
    // Partial rows say what is missing; not-applicable rows say why.
    for (const r of [...FALCO_K8SAUDIT, ...POD_SECURITY_STANDARDS, ...CIS_SECTION_5].filter(
      (x) => x.status === 'partial' || x.status === 'not applicable',
    ))
      expect(r.note, r.title).toBeTruthy();
  });

  it('are rendered into DETECTORS.md with their counts', () => {
    const md = renderKubeCoverage().join('\n');
    expect(md).toContain(
      `${FALCO_K8SAUDIT.length} rows: ${FALCO_K8SAUDIT.filter((r) => r.status === 'covered').length} covered`,
    );
    expect(md).toMatch(/\| info \| K8s Secret Deleted \| covered \| \[`kube-object-change`\]\(#kube-object-change\)/);
    expect(md).not.toMatch(/\| not covered \|/);
  });
});
