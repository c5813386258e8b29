import { severityRank, type Finding } from '@shared/domain/finding.js';
import type { Suppression } from '@shared/domain/suppression.js';
import { globMatch, labelMatch } from './lib/glob.js';

/** What a suppression can be matched against, beyond the finding itself. */
export interface SuppressionTarget {
  finding: Finding;
  ref: string;
  image?: string;
  labels?: Record<string, string>;
  engineIds: string[];
  /** The identity behind a Kubernetes change (audit user or field manager). */
  user?: string;
}

/** The label a report shows for the entry that hid a finding: id and revision. */
export const suppressionLabel = (s: Suppression): string => `${s.id}@v${s.version}`;

export function isExpired(s: Suppression, now: string): boolean {
  return s.expires !== undefined && Date.parse(s.expires) < Date.parse(now);
}

/** The first suppression (in file order) that covers this finding, if any. */
export function findSuppression(
  t: SuppressionTarget,
  suppressions: readonly Suppression[],
  now: string,
): Suppression | undefined {
  return suppressions.find((s) => {
    if (isExpired(s, now)) return false;
    if (!s.detectors.includes('*') && !s.detectors.includes(t.finding.detector)) return false;
    if (s.maxSeverity && severityRank(t.finding.severity) > severityRank(s.maxSeverity)) return false;
    const m = s.match;
    if (m.image !== undefined && !(t.image !== undefined && globMatch(m.image, t.image))) return false;
    if (m.label !== undefined && !(t.labels && labelMatch(m.label, t.labels))) return false;
    if (m.engine !== undefined && !t.engineIds.some((e) => globMatch(m.engine!, e))) return false;
    if (m.container !== undefined && !(t.finding.container && globMatch(m.container, t.finding.container.name)))
      return false;
    if (m.ref !== undefined && !globMatch(m.ref, t.ref)) return false;
    if (m.namespace !== undefined && !(t.finding.workload && globMatch(m.namespace, t.finding.workload.namespace)))
      return false;
    if (m.user !== undefined && !(t.user !== undefined && globMatch(m.user, t.user))) return false;
    return true;
  });
}
