import { useEffect, useState } from 'react';
import { isOpName, type OpName } from '@shared/api/contract.js';
import type { ScanResult } from '@shared/domain/scan.js';
import { useApi } from '../../workbench/api-context.js';
import { riskByContainer, type ContainerRisk } from './container-risk.js';

/** Risk per container from the engine's latest scan, refreshed when a scan finishes. Empty before any scan. */
export function useContainerRisk(engineId: string | undefined): Map<string, ContainerRisk> {
  const api = useApi();
  const [risk, setRisk] = useState<Map<string, ContainerRisk>>(() => new Map());
  const [tick, setTick] = useState(0);
  useEffect(() => api.on('scan.progress', (p) => p.phase === 'done' && setTick((t) => t + 1)), [api]);
  const [seen, setSeen] = useState<string>();
  useEffect(() => {
    setRisk(new Map());
  }, [engineId]);
  useEffect(() => {
    if (!engineId || !isOpName('scan.latest')) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Bound: a detached method loses its client.
    const call = api.call.bind(api) as unknown as (op: OpName, input: unknown) => Promise<ScanResult | null>;
    // "done" is announced just before the scan is stored as the latest: after one, wait for a newer result.
    const load = (tries: number) =>
      call('scan.latest' as OpName, { engineId }).then(
        (r) => {
          if (!live) return;
          if (tick > 0 && tries > 0 && (r?.scannedAt ?? '') === (seen ?? '')) {
            timer = setTimeout(() => void load(tries - 1), 300);
            return;
          }
          setSeen(r?.scannedAt);
          setRisk(riskByContainer(r));
        },
        () => undefined,
      );
    void load(10);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, engineId, tick]);
  return risk;
}
