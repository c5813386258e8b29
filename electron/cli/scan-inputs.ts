import type { Command } from 'commander';
import type { Suppression } from '../../shared/domain/suppression.js';
import { BASELINES, baselines, loadSuppressionFile } from '../engine/detect/suppression-file.js';
import { prepareKubeEvidence, type KubeEvidenceSource } from '../engine/kube/kube-evidence.js';

/** What an analyst can bring to a scan besides the engine: allowlists and the cluster's side of the story. */
export interface ScanInputFlags {
  suppressions?: string;
  baseline?: string[];
  kubeContext?: string;
  kubeAudit?: string[];
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addScanInputOptions(cmd: Command): Command {
  return cmd
    .option('--suppressions <file>', 'suppression file (YAML or JSON, version 1) applied to this scan; suppressed findings are reported separately')
    .option('--baseline <name>', `named baseline applied to this scan, repeatable (${Object.keys(BASELINES).join(', ')})`, collect)
    .option('--kube-context <name>', 'kubeconfig context whose pods are listed, to find containers with pod labels but no pod (shadow containers)')
    .option('--kube-audit <file>', 'Kubernetes API-server audit log (JSON lines) to judge with the scan, repeatable', collect);
}

export interface ScanInputs {
  /** Undefined when no file or baseline was named: the allowlist in force then applies unchanged. */
  suppressions?: Suppression[];
  kube?: KubeEvidenceSource;
}

/**
 * Reads the named inputs before any engine is contacted, so a typo in a file name fails fast. Entries from the
 * file and baselines come first (the first matching entry is the one reported), then the allowlist in force.
 */
export async function readScanInputs(flags: ScanInputFlags, inForce: () => Suppression[]): Promise<ScanInputs> {
  const named = [...(flags.suppressions !== undefined ? await loadSuppressionFile(flags.suppressions) : []), ...baselines(flags.baseline ?? [])];
  const out: ScanInputs = {};
  if (flags.suppressions !== undefined || (flags.baseline?.length ?? 0) > 0) out.suppressions = [...named, ...inForce()];
  if (flags.kubeContext !== undefined || (flags.kubeAudit?.length ?? 0) > 0) out.kube = await prepareKubeEvidence({ context: flags.kubeContext, auditFiles: flags.kubeAudit });
  return out;
}
