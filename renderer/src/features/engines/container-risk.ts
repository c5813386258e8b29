import { severityRank, type Finding, type Severity } from '@shared/domain/finding.js';
import type { ContainerSummary } from '@shared/domain/container.js';

/** What the latest scan holds against one container, for the rail badge. */
export interface ContainerRisk {
  risk: number;
  findings: number;
  worst: Severity;
}

/**
 * Per-container risk from a scan result: the scan's own score per container, and the count and worst severity of
 * its findings that an analyst has not dismissed. Containers without such findings get no entry (no badge).
 */
export function riskByContainer(
  result: { containers: { id: string; risk: number }[]; findings: Finding[] } | null | undefined,
): Map<string, ContainerRisk> {
  const out = new Map<string, ContainerRisk>();
  if (!result) return out;
  const score = new Map(result.containers.map((c) => [c.id, c.risk]));
  for (const f of result.findings) {
    const id = f.container?.id;
    if (!id || f.state === 'false-positive' || f.state === 'suppressed') continue;
    const cur = out.get(id);
    out.set(id, {
      risk: score.get(id) ?? 0,
      findings: (cur?.findings ?? 0) + 1,
      worst: cur && severityRank(cur.worst) >= severityRank(f.severity) ? cur.worst : f.severity,
    });
  }
  return out;
}

export type RailSort = 'engine' | 'risk';

/** The rail's order: as the engine lists them, or riskiest first (ties keep the engine's order). */
export function sortContainers(
  list: ContainerSummary[],
  sort: RailSort,
  risk: Map<string, ContainerRisk>,
): ContainerSummary[] {
  if (sort === 'engine') return list;
  const key = (c: ContainerSummary) => {
    const r = risk.get(c.id);
    return r ? r.risk * 10 + severityRank(r.worst) + 1 : 0;
  };
  return list
    .map((c, i) => ({ c, i, k: key(c) }))
    .sort((a, b) => b.k - a.k || a.i - b.i)
    .map((x) => x.c);
}
