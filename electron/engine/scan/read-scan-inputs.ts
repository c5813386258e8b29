import type { Suppression } from '../../../shared/domain/suppression.js';
import { baselines, loadSuppressionFile } from '../detect/suppression-file.js';
import { prepareKubeEvidence, type KubeEvidenceSource } from '../kube/kube-evidence.js';
import { OBSERVE_BOUNDS, parseDuration } from '../../../shared/domain/duration.js';


/** What an analyst can bring to a scan besides the engine: allowlists and the cluster's side of the story. */
export interface ScanInputFlags {
  suppressions?: string;
  baseline?: string[];
  kubeContext?: string;
  kubeAudit?: string[];
  /** Duration ("8s", "2m") to observe running containers within the scan. */
  observe?: string;
}

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
export async function readScanInputs(flags: ScanInputFlags, inForce: () => Suppression[] | Promise<Suppression[]>): Promise<ScanInputs> {
  const observeMs = flags.observe !== undefined ? parseDuration(flags.observe, '--observe', OBSERVE_BOUNDS) : undefined;
  const named = [...(flags.suppressions !== undefined ? await loadSuppressionFile(flags.suppressions) : []), ...baselines(flags.baseline ?? [])];
  const out: ScanInputs = observeMs !== undefined ? { observeMs } : {};
  if (flags.suppressions !== undefined || (flags.baseline?.length ?? 0) > 0) out.suppressions = [...named, ...(await inForce())];
  if (flags.kubeContext !== undefined || (flags.kubeAudit?.length ?? 0) > 0) out.kube = await prepareKubeEvidence({ context: flags.kubeContext, auditFiles: flags.kubeAudit });
  return out;
}
