import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CaseView } from '@shared/api/cases.js';
import { workerEntry } from '../worker-entry.js';
import { AppError, type ErrorPayload } from '@shared/errors.js';
import type { CaseService } from '../cases/case-service.js';
import { readBundle, type OpenedBundle, type ReadBundle } from './read-bundle.js';
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
export type ImportReply =
  | {
      ok: true;
      caseId: string;
      opened?: Omit<OpenedBundle, 'blobs' | 'signature' | 'manifestRaw'> & { signer: BundleSigner };
    }
  | { ok: false; error: ErrorPayload };

/**
 * Opens an offline bundle as a new read-only case, in a worker thread: the caller's thread (Electron's main
 * process) stays free however hostile the bundle. See importBundleHere for what happens there.
 */
export async function importBundle(cases: CaseService, file: string, opts: ImportOptions = {}): Promise<CaseView> {
  const abs = path.resolve(file);
  const job: ImportJob = {
    dataDir: cases.dataDir,
    user: cases.user,
    file: abs,
    actor: opts.actor,
    limits: opts.limits,
  };
  const answer = await runWorker(job);
  if (!answer.ok) throw new AppError(answer.error.code, answer.error.message, answer.error.details);
  const view = cases.get(answer.caseId);
  // A directory of node bundles has no single bundle to open: its engines come back from the case (openFromCase).
  if (answer.opened) opts.onOpened?.(view, { ...answer.opened, manifestRaw: Buffer.alloc(0), blobs: new Map() });
  return view;
}

/**
 * Validated first (readBundle: streaming, bounded), then the scan, the evidence set and the raw blobs go in, in one
 * transaction, with the provenance the bundle states (who collected, when, where) and whether its signature holds.
 */
export async function importBundleHere(
  cases: CaseService,
  file: string,
  opts: ImportOptions = {},
): Promise<{ view: CaseView; opened?: OpenedBundle & { signer: BundleSigner } }> {
  const abs = path.resolve(file);
  if (statSync(abs).isDirectory()) return { view: await importDirectoryHere(cases, abs, opts) };
  const b = await readBundle(abs, opts.limits ?? BUNDLE_LIMITS);
  try {
    const signer = checkBundleSignature(b);
    const view = storeBundle(cases, abs, b, opts.actor ?? cases.user, signer);
    return { view, opened: { ...b, signer } };
  } finally {
    b.dispose();
  }
}

function runWorker(job: ImportJob): Promise<ImportReply> {
  const entry = workerEntry(import.meta.url, './import-worker.ts', 'bundle-import-worker.mjs');
  if (!entry) throw new AppError('INTERNAL', 'this build has no bundle import worker (bundle-import-worker.mjs)');
  const { script, evalCode } = entry;
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
export function storeBundle(
  cases: CaseService,
  abs: string,
  b: OpenedBundle,
  actor: string,
  signer: BundleSigner,
): CaseView {
  const name = `${bundleLabel(b.manifest)} (${b.manifest.createdAt.slice(0, 16).replace('T', ' ')})`;
  let id = '';
  try {
    cases.blobs.undoable(() =>
      cases.db.transaction(() => {
        id = cases.create(name, actor, { readOnly: true, source: abs, signer }).id;
        storeBundleIn(cases, id, abs, b, actor, signer);
      })(),
    );
  } catch (e) {
    throw diskError(e, `the bundle ${path.basename(abs)}`);
  }
  return cases.get(id);
}

/** One bundle's scan, evidence set and blobs into a case, inside the caller's transaction. */
function storeBundleIn(
  cases: CaseService,
  id: string,
  abs: string,
  b: OpenedBundle,
  actor: string,
  signer: BundleSigner,
): void {
  const collected = { collectedBy: b.manifest.createdBy, collectorVersion: b.manifest.stowawayVersion };
  cases.recordCustody(id, 'evidence', `bundle ${path.basename(abs)}: ${signer.summary}`, actor);
  cases.addScan(id, b.result, b.evidence, {
    actor,
    source: `bundle ${path.basename(abs)} from ${b.manifest.host}`,
    allowReadOnly: true,
    ...collected,
  });
  for (const [sha, staged] of b.blobs) {
    cases.addEvidence(
      id,
      readFileSync(staged),
      {
        kind: 'bundle-blob',
        sourceCall: `bundle:blobs/${sha}`,
        engineId: b.manifest.engine.id,
        collectedAt: b.manifest.createdAt,
        ...collected,
      },
      actor,
      { allowReadOnly: true },
    );
  }
  const triaged = b.result.findings.filter((f) => f.state && f.state !== 'new');
  if (triaged.length) {
    const by = new Map<string, number>();
    for (const f of triaged) by.set(f.state!, (by.get(f.state!) ?? 0) + 1);
    cases.recordCustody(
      id,
      'evidence',
      `the bundle's own triage (kept in its scan result, not applied): ${[...by].map(([st, n]) => `${n} ${st}`).join(', ')}; findings arrive as new`,
      actor,
    );
  }
}

/** Most node bundles one collection directory may bring into one case. */
const MAX_DIRECTORY_BUNDLES = 1000;

/**
 * The bundles `stowaway k8s collect` wrote into a directory (the ones collection.json lists as collected, else
 * every .tar.gz), as one read-only case holding one scan per node. Every bundle is validated before anything is
 * written, and all of them go in one transaction: one bad bundle fails the import and leaves no case.
 */
async function importDirectoryHere(cases: CaseService, dir: string, opts: ImportOptions): Promise<CaseView> {
  const files = bundlesIn(dir);
  if (!files.length) throw new AppError('NOT_FOUND', `${path.basename(dir)} holds no bundles (.tar.gz) to import`);
  if (files.length > MAX_DIRECTORY_BUNDLES)
    throw new AppError(
      'VALIDATION',
      `${path.basename(dir)} holds ${files.length} bundles, over the ${MAX_DIRECTORY_BUNDLES} one case takes`,
    );
  const opened: Array<ReadBundle & { file: string; signer: BundleSigner }> = [];
  try {
    for (const f of files) {
      const b = await readBundle(f, opts.limits ?? BUNDLE_LIMITS).catch((e: unknown) => {
        throw e instanceof AppError ? new AppError(e.code, `${path.basename(f)}: ${e.message}`, e.details) : e;
      });
      opened.push({ ...b, file: f, signer: checkBundleSignature(b) });
    }
    const actor = opts.actor ?? cases.user;
    let id = '';
    try {
      cases.blobs.undoable(() =>
        cases.db.transaction(() => {
          const name =
            `collection ${path.basename(dir)} (${opened.length} node${opened.length === 1 ? '' : 's'})`.slice(0, 200);
          id = cases.create(name, actor, { readOnly: true, source: dir, signer: opened[0]!.signer }).id;
          for (const b of opened) storeBundleIn(cases, id, b.file, b, actor, b.signer);
        })(),
      );
    } catch (e) {
      throw diskError(e, `the collection ${path.basename(dir)}`);
    }
    return cases.get(id);
  } finally {
    for (const b of opened) b.dispose();
  }
}

function bundlesIn(dir: string): string[] {
  const summary = path.join(dir, 'collection.json');
  if (existsSync(summary)) {
    const parsed = JSON.parse(readFileSync(summary, 'utf8')) as { nodes?: Array<{ status?: unknown; file?: unknown }> };
    const listed = (parsed.nodes ?? [])
      .filter((n) => n.status === 'collected' && typeof n.file === 'string')
      .map((n) => path.basename(String(n.file)));
    return listed.map((f) => path.join(dir, f)).filter((f) => existsSync(f));
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tar.gz'))
    .sort()
    .map((f) => path.join(dir, f));
}
