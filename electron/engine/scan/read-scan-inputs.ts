import type { Suppression } from '@shared/domain/suppression.js';
import type { ScanOptions } from '@shared/api/scan.js';
import { baselines, loadSuppressionFile } from '../detect/suppression-file.js';
import { prepareKubeEvidence, type KubeEvidenceSource } from '../kube/kube-evidence.js';
import { OBSERVE_BOUNDS, parseDuration } from '@shared/domain/duration.js';

/** What an analyst can bring to a scan besides the engine: allowlists and the cluster's side of the story. */
type ScanInputFlags = Pick<ScanOptions, 'suppressionsFile' | 'baselines' | 'kubeContext' | 'kubeAudit' | 'observe'>;

export interface ScanInputs {
  /** Undefined when no file or baseline was named: the allowlist in force then applies unchanged. */
  suppressions?: Suppression[];
  kube?: KubeEvidenceSource;
  observeMs?: number;
}

/**
 * Reads the named inputs before any engine is contacted, so a typo in a file name fails fast. Entries from the
 * file and baselines come first (the first matching entry is the one reported), then the allowlist in force.
 * The CLI flags and the UI's scan options both come through here.
 */
export async function readScanInputs(
  flags: ScanInputFlags,
  inForce: () => Suppression[] | Promise<Suppression[]>,
): Promise<ScanInputs> {
  const observeMs = flags.observe !== undefined ? parseDuration(flags.observe, '--observe', OBSERVE_BOUNDS) : undefined;
  const named = [
    ...(flags.suppressionsFile !== undefined ? await loadSuppressionFile(flags.suppressionsFile) : []),
    ...baselines(flags.baselines ?? []),
  ];
  const out: ScanInputs = observeMs !== undefined ? { observeMs } : {};
  if (flags.suppressionsFile !== undefined || (flags.baselines?.length ?? 0) > 0)
    out.suppressions = [...named, ...(await inForce())];
  if (flags.kubeContext !== undefined || (flags.kubeAudit?.length ?? 0) > 0)
    out.kube = await prepareKubeEvidence({ context: flags.kubeContext, auditFiles: flags.kubeAudit });
  return out;
}
