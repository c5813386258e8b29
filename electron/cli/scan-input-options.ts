import type { Command } from 'commander';
import { BASELINES } from '../engine/detect/suppression-file.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** What an analyst can bring to a scan besides the engine, as flags; the engine reads them (see the scan options). */
export interface ScanInputFlags {
  suppressions?: string;
  baseline?: string[];
  kubeContext?: string;
  kubeAudit?: string[];
  /** Duration ("8s", "2m") to observe running containers within the scan. */
  observe?: string;
}

export function addScanInputOptions(cmd: Command): Command {
  return cmd
    .option(
      '--suppressions <file>',
      'suppression file (YAML or JSON, version 1) applied to this scan; suppressed findings are reported separately',
    )
    .option(
      '--baseline <name>',
      `named baseline applied to this scan, repeatable (${Object.keys(BASELINES).join(', ')})`,
      collect,
    )
    .option(
      '--kube-context <name>',
      'kubeconfig context whose pods are listed, to find containers with pod labels but no pod (shadow containers)',
    )
    .option(
      '--observe <duration>',
      'also sample processes, sockets (TIME_WAIT included) and stats of running containers every 1-2 s for this long, e.g. 8s or 2m (up to 10m)',
    )
    .option(
      '--kube-audit <file>',
      'Kubernetes API-server audit log (JSON lines) to judge with the scan, repeatable',
      collect,
    );
}
