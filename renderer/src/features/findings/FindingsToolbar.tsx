import { useState } from 'react';
import type { ScanProgress } from '@shared/domain/scan.js';
import { shown, visible } from '../../lib/visible-text.js';
import { useFindings, useScan, useTriage } from './use-findings.js';
import { describeScanOptions, ScanOptionsPanel } from './ScanOptions.js';
import type { ScanOptions } from '@shared/api/scan.js';
import type { EngineView } from '@shared/domain/engine.js';

export interface FindingsToolbarProps {
  engines: EngineView[];
  scan: ReturnType<typeof useScan>;
  scanTargets: string[];
  data: ReturnType<typeof useFindings>['data'];
  triage: ReturnType<typeof useTriage>;
}

/** Scan with its options and progress, and where triage verdicts are kept. */
export function FindingsToolbar({ engines, scan, scanTargets, data, triage }: FindingsToolbarProps) {
  const [scanOptions, setScanOptions] = useState<ScanOptions>({});
  const [optionsOpen, setOptionsOpen] = useState(false);
  const optionsSummary = describeScanOptions(scanOptions);
  return (
    <div className="fv-toolbar">
      <button
        type="button"
        className="primary"
        onClick={() => void scan.run(scanTargets, scanOptions)}
        disabled={scan.running.length > 0 || scanTargets.length === 0}
        data-testid="scan-button"
        title="Scan every container of the current engine"
      >
        {scan.running.length ? 'Scanning…' : 'Scan'}
      </button>
      <span className="fv-options-anchor">
        <button
          type="button"
          className="ghost"
          aria-expanded={optionsOpen}
          onClick={() => setOptionsOpen((o) => !o)}
          data-testid="scan-options-toggle"
          title="Baselines and Kubernetes inputs for the next scan"
        >
          Options{optionsSummary ? ':' : ''}
        </button>
        {optionsSummary ? (
          <span className="small muted" data-testid="scan-options-summary">
            {optionsSummary}
          </span>
        ) : null}
        {optionsOpen ? (
          <ScanOptionsPanel
            engines={engines}
            value={scanOptions}
            onChange={setScanOptions}
            onClose={() => setOptionsOpen(false)}
          />
        ) : null}
      </span>
      <ScanStatus running={scan.running.length > 0} progress={scan.progress} error={scan.error} last={data?.scans} />
      <span className="spacer" />
      <TriageNote caseId={data?.caseId} persisted={triage.persisted} error={triage.error} />
    </div>
  );
}

function ScanStatus({
  running,
  progress,
  error,
  last,
}: {
  running: boolean;
  progress: ScanProgress | undefined;
  error: Error | undefined;
  last: { scannedAt: string; durationMs: number; engine: { name: string } }[] | undefined;
}) {
  if (error)
    return (
      <span className="bad small" role="alert">
        Scan failed: {error.message}
      </span>
    );
  if (running) {
    const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : undefined;
    return (
      <span className="fv-progress" role="status" data-testid="scan-progress">
        <span className="fv-bar">
          <i style={{ width: `${pct ?? 5}%` }} className={pct === undefined ? 'indeterminate' : ''} />
        </span>
        <span className="small muted">
          {progress
            ? `${progress.phase} ${progress.done}/${progress.total}${progress.message ? ` · ${visible(progress.message)}` : ''}`
            : 'starting…'}
        </span>
      </span>
    );
  }
  if (!last?.length) return <span className="muted small">No scan yet on the connected engines.</span>;
  return (
    <span className="muted small">
      {last
        .map(
          (s) =>
            `${shown(s.engine.name, 120)}: scanned ${new Date(s.scannedAt).toLocaleString()} in ${(s.durationMs / 1000).toFixed(1)} s`,
        )
        .join(' · ')}
    </span>
  );
}

function TriageNote({
  caseId,
  persisted,
  error,
}: {
  caseId: string | undefined;
  persisted: boolean | undefined;
  error: Error | undefined;
}) {
  if (error) return <span className="bad small">Triage not saved: {error.message}</span>;
  if (!caseId || persisted === false)
    return (
      <span className="warn small" title="Open or create a case to keep triage decisions with their history">
        Triage kept in this window only (no case open)
      </span>
    );
  return <span className="muted small">Triage recorded in the current case</span>;
}
