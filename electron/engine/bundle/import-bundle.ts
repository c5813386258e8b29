import path from 'node:path';
import type { CaseView } from '../../../shared/api/cases.js';
import type { CaseService } from '../cases/case-service.js';
import { readBundle, type OpenedBundle } from './read-bundle.js';
import { BUNDLE_LIMITS, bundleLabel, type BundleLimits } from './bundle-format.js';

/**
 * Opens an offline bundle as a new read-only case: validated first (readBundle), then the scan, the
 * evidence set and the raw blobs go in with the provenance the bundle states (who collected, when, where).
 */
export async function importBundle(cases: CaseService, file: string, opts: { actor?: string; limits?: BundleLimits; onOpened?: (c: CaseView, b: OpenedBundle) => void } = {}): Promise<CaseView> {
  const abs = path.resolve(file);
  const b = await readBundle(abs, opts.limits ?? BUNDLE_LIMITS);
  const actor = opts.actor ?? cases.user;
  const name = `${bundleLabel(b.manifest)} (${b.manifest.createdAt.slice(0, 16).replace('T', ' ')})`;
  const c = cases.create(name, actor, { readOnly: true, source: abs });
  const collected = { collectedBy: b.manifest.createdBy, collectorVersion: b.manifest.stowawayVersion };
  cases.addScan(c.id, b.result, b.evidence, { actor, source: `bundle ${path.basename(abs)} from ${b.manifest.host}`, allowReadOnly: true, ...collected });
  for (const [sha, buf] of b.blobs) {
    cases.addEvidence(
      c.id,
      buf,
      { kind: 'bundle-blob', sourceCall: `bundle:blobs/${sha}`, engineId: b.manifest.engine.id, collectedAt: b.manifest.createdAt, ...collected },
      actor,
      { allowReadOnly: true },
    );
  }
  const view = cases.get(c.id);
  opts.onOpened?.(view, b);
  return view;
}
