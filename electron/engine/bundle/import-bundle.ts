import path from 'node:path';
import type { CaseView } from '../../../shared/api/cases.js';
import type { CaseService } from '../cases/case-service.js';
import { readBundle, type OpenedBundle } from './read-bundle.js';
import { BUNDLE_LIMITS, type BundleLimits } from './bundle-format.js';
import { diskError } from '../cases/disk-errors.js';

/**
 * Opens an offline bundle as a new read-only case: validated first (readBundle), then the scan, the
 * evidence set and the raw blobs go in with the provenance the bundle states (who collected, when, where).
 */
export async function importBundle(cases: CaseService, file: string, opts: { actor?: string; limits?: BundleLimits; onOpened?: (c: CaseView, b: OpenedBundle) => void } = {}): Promise<CaseView> {
  const abs = path.resolve(file);
  const b = await readBundle(abs, opts.limits ?? BUNDLE_LIMITS);
  const view = storeBundle(cases, abs, b, opts.actor ?? cases.user);
  opts.onOpened?.(view, b);
  return view;
}

/**
 * Writes a validated bundle as a case in one transaction: an I/O error (or a killed process) leaves no case at
 * all, never an empty one, and the current case changes only when the whole import is in. Blobs written before
 * a failure stay in the store unreferenced; they are content-addressed, so they mislead no one.
 */
export function storeBundle(cases: CaseService, abs: string, b: OpenedBundle, actor: string): CaseView {
  const name = `${b.manifest.engine.name} on ${b.manifest.host} (${b.manifest.createdAt.slice(0, 16).replace('T', ' ')})`;
  const collected = { collectedBy: b.manifest.createdBy, collectorVersion: b.manifest.stowawayVersion };
  let id = '';
  try {
    cases.blobs.undoable(() => cases.db.transaction(() => {
      id = cases.create(name, actor, { readOnly: true, source: abs }).id;
      cases.addScan(id, b.result, b.evidence, { actor, source: `bundle ${path.basename(abs)} from ${b.manifest.host}`, allowReadOnly: true, ...collected });
      for (const [sha, buf] of b.blobs) {
        cases.addEvidence(
          id,
          buf,
          { kind: 'bundle-blob', sourceCall: `bundle:blobs/${sha}`, engineId: b.manifest.engine.id, collectedAt: b.manifest.createdAt, ...collected },
          actor,
          { allowReadOnly: true },
        );
      }
    })());
  } catch (e) {
    throw diskError(e, `the bundle ${path.basename(abs)}`);
  }
  return cases.get(id);
}
