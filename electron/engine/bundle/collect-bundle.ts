import path from 'node:path';
import type { ScanOutcome } from '../scan/run-scan.js';
import { writeBundle } from './write-bundle.js';
import { rehomeEvidence, rehomeResult } from './bundle-engines.js';
import { sha256Hex } from '../cases/blob-store.js';
import { custodyKey } from '../cases/custody-key.js';

export interface CollectRequest {
  /** Where the bundle (.tar.gz) is written. */
  out: string;
  /** Names the engine in the bundle: a node's collector names it after its node. */
  engineName?: string;
}

/**
 * One scan's outcome as an offline evidence bundle, signed with this installation's custody key (the one
 * `stowaway case key` prints), so the receiving side can tell who wrote it.
 */
export async function collectBundle(
  outcome: ScanOutcome,
  req: CollectRequest,
  opts: { dataDir: string; createdBy: string },
) {
  let { result, evidence } = outcome;
  if (req.engineName) {
    // A node's collector names its engine after the node, so bundles of a whole cluster stay apart in one case.
    const id = `node:${req.engineName}`.slice(0, 128);
    const name = req.engineName.slice(0, 256);
    result = rehomeResult({ ...result, engine: { ...result.engine, name } }, id);
    evidence = rehomeEvidence({ ...evidence, engine: { ...evidence.engine, name } }, id);
  }
  // Whole text files travel as blobs under their own hash, so the receiving side can verify them.
  const blobs: Buffer[] = [];
  for (const ce of evidence.containers) {
    for (const fc of ce.fileContents)
      if (fc.text !== undefined && sha256Hex(fc.text) === fc.sha256) blobs.push(Buffer.from(fc.text, 'utf8'));
  }
  const file = path.resolve(req.out);
  const manifest = await writeBundle(file, {
    result,
    evidence,
    blobs,
    createdBy: opts.createdBy,
    signWith: custodyKey(opts.dataDir),
  });
  return {
    path: file,
    containers: result.containers.length,
    findings: result.findings.length,
    files: manifest.files.length,
  };
}
