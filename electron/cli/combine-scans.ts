import type { EngineScanSummary, ScanResult } from '@shared/domain/scan.js';

/** One engine's part of a scan of several: a result, or the reason it has none. Any kind of engine can produce one. */
export interface EngineScan {
  engineId: string;
  name: string;
  endpoint: string;
  durationMs: number;
  result?: ScanResult;
  error?: { code: string; message: string };
}

/**
 * Several engines' scans as one result: containers, findings and errors of all (each naming its engine), and per
 * engine a summary. An engine that failed is an error entry and a failed summary; the others stand.
 */
export function combineScans(scans: EngineScan[], scannedAt: string, durationMs: number): ScanResult {
  const engines: EngineScanSummary[] = scans.map((s) => ({
    id: s.engineId,
    name: s.name,
    endpoint: s.endpoint,
    serverVersion: s.result?.engine.serverVersion,
    status: s.result ? 'scanned' : 'failed',
    durationMs: s.durationMs,
    containers: s.result?.containers.length ?? 0,
    findings: s.result?.findings.length ?? 0,
    ...(s.error ? { error: { code: s.error.code, message: s.error.message.slice(0, 2048) } } : {}),
  }));
  const ok = scans.filter((s) => s.result);
  const suppressed = ok.flatMap((s) => s.result!.suppressed ?? []);
  return {
    engine: {
      id: scans.map((s) => s.engineId).join('+'),
      name: scans.map((s) => s.name).join(', '),
      endpoint: scans.map((s) => s.endpoint).join(' '),
    },
    scannedAt,
    durationMs,
    containers: ok
      .flatMap((s) => s.result!.containers.map((c) => ({ ...c, engineId: s.engineId })))
      .sort((a, b) => b.risk - a.risk || a.name.localeCompare(b.name)),
    findings: ok.flatMap((s) => s.result!.findings),
    ...(suppressed.length ? { suppressed } : {}),
    errors: scans.flatMap((s) =>
      s.result
        ? s.result.errors.map((e) => ({ ...e, engineId: s.engineId }))
        : [
            {
              engineId: s.engineId,
              call: `engine ${s.name}`.slice(0, 300),
              code: s.error?.code ?? 'ENGINE_UNREACHABLE',
              message: (s.error?.message ?? 'not scanned').slice(0, 2048),
            },
          ],
    ),
    engines,
  };
}
