import { useCallback, useEffect, useMemo, useState } from 'react';
import { useApi } from '../../workbench/api-context.js';
import { useQuery } from '../../lib/use-query.js';
import type { ScanOptions } from '@shared/api/scan.js';
import { ScanProgressSchema, type ScanProgress, type ScanResult } from '@shared/domain/scan.js';
import type { Finding, TriageState } from '@shared/domain/finding.js';
import type { EngineView } from '@shared/domain/engine.js';
import { isUnknownOp } from '../../lib/unknown-op.js';

export interface FindingsData {
  findings: Finding[];
  scans: ScanResult[];
  /** Engines whose latest scan could not be read, with why. */
  failures: { engineId: string; message: string }[];
  caseId: string | undefined;
}

/**
 * Findings of every engine's latest scan, with triage state from the current case when one is open. Without
 * a case store, triage is kept in this view for the session (and the view says so).
 */
export function useFindings(engines: EngineView[]) {
  const api = useApi();
  // Kubernetes contexts are scanned like Docker engines and their findings read the same way.
  const ids = engines.map((e) => e.id);
  const key = ids.join('|');
  const q = useQuery<FindingsData>(async () => {
    const failures: FindingsData['failures'] = [];
    const scans: ScanResult[] = [];
    await Promise.all(
      ids.map(async (engineId) => {
        try {
          const r = await api.call('scan.latest', { engineId });
          if (r) scans.push(r);
        } catch (e) {
          failures.push({ engineId, message: (e as Error).message });
        }
      }),
    );
    let caseId: string | undefined;
    const states = new Map<string, TriageState>();
    try {
      caseId = (await api.call('cases.current', {}))?.id;
      if (caseId) {
        const page = await api.call('findings.list', { caseId, limit: 10_000 });
        for (const f of page.items) states.set(f.id, f.state);
      }
    } catch (e) {
      if (!isUnknownOp(e)) failures.push({ engineId: 'case', message: (e as Error).message });
    }
    const findings = scans.flatMap((s) =>
      s.findings.map((f) => ({ ...f, engineId: f.engineId ?? s.engine.id, state: states.get(f.id) ?? f.state })),
    );
    return { findings, scans, failures, caseId };
  }, [key]);
  return q;
}

/** Runs scans with live progress from `scan.progress` events. */
export function useScan(onDone: () => void) {
  const api = useApi();
  const [progress, setProgress] = useState<ScanProgress>();
  const [running, setRunning] = useState<string[]>([]);
  const [error, setError] = useState<Error>();
  useEffect(
    () =>
      api.on('scan.progress', (p) => {
        const parsed = ScanProgressSchema.safeParse(p);
        if (parsed.success) setProgress(parsed.data);
      }),
    [api],
  );
  const run = useCallback(
    async (engineIds: string[], options?: ScanOptions) => {
      setError(undefined);
      setRunning(engineIds);
      setProgress(undefined);
      try {
        for (const engineId of engineIds) await api.call('scan.run', { engineId, options });
      } catch (e) {
        setError(e as Error);
      } finally {
        setRunning([]);
        onDone();
      }
    },
    [api, onDone],
  );
  return useMemo(() => ({ run, running, progress, error }), [run, running, progress, error]);
}

/**
 * Triage: recorded in the case (with history and custody) when a case store answers; kept locally otherwise.
 */
export function useTriage(caseId: string | undefined) {
  const api = useApi();
  const [local, setLocal] = useState<Map<string, TriageState>>(() => new Map());
  const [persisted, setPersisted] = useState<boolean | undefined>(undefined);
  const [error, setError] = useState<Error>();
  const set = useCallback(
    async (findingId: string, state: TriageState) => {
      setLocal((m) => new Map(m).set(findingId, state));
      if (!caseId) {
        setPersisted(false);
        return;
      }
      try {
        await api.call('findings.setState', { caseId, findingId, state });
        setPersisted(true);
        setError(undefined);
      } catch (e) {
        if (isUnknownOp(e)) setPersisted(false);
        else setError(e as Error);
      }
    },
    [api, caseId],
  );
  return { local, set, persisted, error };
}
