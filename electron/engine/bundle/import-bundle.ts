import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CaseView } from '../../../shared/api/cases.js';
import { AppError, type ErrorPayload } from '../../../shared/errors.js';
import type { CaseService } from '../cases/case-service.js';
import { readBundle, type OpenedBundle } from './read-bundle.js';
import { BUNDLE_LIMITS, bundleLabel, type BundleLimits } from './bundle-format.js';
import { diskError } from '../cases/disk-errors.js';
import { checkBundleSignature, type BundleSigner } from './bundle-signature.js';

export interface ImportOptions {
  actor?: string;
  limits?: BundleLimits;
  onOpened?: (c: CaseView, b: OpenedBundle) => void;
}

/** What the worker is asked to do, and what it answers. */
export interface ImportJob {
  dataDir: string;
  user: string;
  file: string;
  actor?: string;
  limits?: BundleLimits;
}
export type ImportReply = { ok: true; caseId: string; opened: Omit<OpenedBundle, 'blobs' | 'signature' | 'manifestRaw'> & { signer: BundleSigner } } | { ok: false; error: ErrorPayload };

/**
 * Opens an offline bundle as a new read-only case, in a worker thread: the caller's thread (Electron's main
 * process) stays free however hostile the bundle. See importBundleHere for what happens there.
 */
export async function importBundle(cases: CaseService, file: string, opts: ImportOptions = {}): Promise<CaseView> {
  const abs = path.resolve(file);
  const job: ImportJob = { dataDir: cases.dataDir, user: cases.user, file: abs, actor: opts.actor, limits: opts.limits };
  const answer = await runWorker(job);
  if (!answer.ok) throw new AppError(answer.error.code, answer.error.message, answer.error.details);
  const view = cases.get(answer.caseId);
  opts.onOpened?.(view, { ...answer.opened, manifestRaw: Buffer.alloc(0), blobs: new Map() });
  return view;
}

/**
 * Validated first (readBundle: streaming, bounded), then the scan, the evidence set and the raw blobs go in, in one
 * transaction, with the provenance the bundle states (who collected, when, where) and whether its signature holds.
 */
export async function importBundleHere(cases: CaseService, file: string, opts: ImportOptions = {}): Promise<{ view: CaseView; opened: OpenedBundle & { signer: BundleSigner } }> {
  const abs = path.resolve(file);
  const b = await readBundle(abs, opts.limits ?? BUNDLE_LIMITS);
  try {
    const signer = checkBundleSignature(b);
    const view = storeBundle(cases, abs, b, opts.actor ?? cases.user, signer);
    return { view, opened: { ...b, signer } };
  } finally {
    b.dispose();
  }
}

function workerEntry(): { script: string | URL; evalCode: boolean } {
  const here = import.meta.url;
  // From source (tests, tsx) the worker loads its TypeScript through tsx; a build ships it as its own file.
  if (here.endsWith('.ts')) {
    const target = new URL('./import-worker.ts', here).href;
    return { script: `import('tsx/esm/api').then((t) => t.tsImport(${JSON.stringify(target)}, ${JSON.stringify(here)}))`, evalCode: true };
  }
  for (const rel of ['./bundle-import-worker.mjs', '../bundle-import-worker.mjs']) {
    const u = new URL(rel, here);
    if (existsSync(fileURLToPath(u))) return { script: u, evalCode: false };
  }
  throw new AppError('INTERNAL', 'this build has no bundle import worker (bundle-import-worker.mjs)');
}

function runWorker(job: ImportJob): Promise<ImportReply> {
  const { script, evalCode } = workerEntry();
  return new Promise((resolve, reject) => {
    let answered = false;
    const w = new Worker(script, { eval: evalCode, workerData: job });
    w.once('message', (m: ImportReply) => {
      answered = true;
      resolve(m);
    });
    w.once('error', (e) => reject(new AppError('INTERNAL', `the bundle import stopped: ${e.message}`)));
    w.once('exit', (code) => {
      if (!answered) reject(new AppError('INTERNAL', `the bundle import stopped (exit ${code})`));
    });
  });
}

/**
 * Writes a validated bundle as a case in one transaction: an I/O error (or a killed process) leaves no case at
 * all, never an empty one, and the current case changes only when the whole import is in. Blobs written before
 * a failure are removed again.
 */
export function storeBundle(cases: CaseService, abs: string, b: OpenedBundle, actor: string, signer: BundleSigner): CaseView {
  const name = `${bundleLabel(b.manifest)} (${b.manifest.createdAt.slice(0, 16).replace('T', ' ')})`;
  const collected = { collectedBy: b.manifest.createdBy, collectorVersion: b.manifest.stowawayVersion };
  let id = '';
  try {
    cases.blobs.undoable(() =>
      cases.db.transaction(() => {
        id = cases.create(name, actor, { readOnly: true, source: abs, signer }).id;
        cases.recordCustody(id, 'evidence', `bundle ${path.basename(abs)}: ${signer.summary}`, actor);
        cases.addScan(id, b.result, b.evidence, { actor, source: `bundle ${path.basename(abs)} from ${b.manifest.host}`, allowReadOnly: true, ...collected });
        for (const [sha, staged] of b.blobs) {
          cases.addEvidence(
            id,
            readFileSync(staged),
            { kind: 'bundle-blob', sourceCall: `bundle:blobs/${sha}`, engineId: b.manifest.engine.id, collectedAt: b.manifest.createdAt, ...collected },
            actor,
            { allowReadOnly: true },
          );
        }
        const triaged = b.result.findings.filter((f) => f.state && f.state !== 'new');
        if (triaged.length) {
          const by = new Map<string, number>();
          for (const f of triaged) by.set(f.state!, (by.get(f.state!) ?? 0) + 1);
          cases.recordCustody(id, 'evidence', `the bundle's own triage (kept in its scan result, not applied): ${[...by].map(([s, n]) => `${n} ${s}`).join(', ')}; findings arrive as new`, actor);
        }
      })(),
    );
  } catch (e) {
    throw diskError(e, `the bundle ${path.basename(abs)}`);
  }
  return cases.get(id);
}
