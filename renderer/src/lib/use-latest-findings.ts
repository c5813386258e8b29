import { useEffect, useState } from 'react';
import { isOpName, type OpName } from '@shared/api/contract.js';
import type { Finding, Severity } from '@shared/domain/finding.js';
import { severityRank } from '@shared/domain/finding.js';
import { useApi } from '../workbench/api-context.js';

/**
 * Findings of the engine's latest scan, for colouring graph elements and marking the timeline. Views work without
 * them: before any scan (or on a build without scans) this is simply empty.
 */
export function useLatestFindings(engineId: string | undefined, reloadKey = 0): Finding[] {
  const api = useApi();
  const [findings, setFindings] = useState<Finding[]>([]);
  useEffect(() => {
    setFindings([]);
    if (!engineId || !isOpName('scan.latest')) return;
    let live = true;
    // Bound: a detached method loses its client.
    const call = api.call.bind(api) as unknown as (
      op: OpName,
      input: unknown,
    ) => Promise<{ findings?: Finding[] } | null>;
    call('scan.latest' as OpName, { engineId }).then(
      (r) => live && setFindings(r?.findings ?? []),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, engineId, reloadKey]);
  return findings;
}

export const SEVERITY_VAR: Record<Severity, string> = {
  low: '--low',
  medium: '--warn',
  high: '--bad',
  critical: '--crit',
};

/** The worse of two severities. */
export const worst = (a: Severity | undefined, b: Severity): Severity =>
  a === undefined || severityRank(b) > severityRank(a) ? b : a;
