import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { useQuery } from '../../lib/use-query.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { TriageStateSchema, type TriageState } from '@shared/domain/finding.js';
import type { ReportFormat, VerifyResult } from '@shared/api/cases.js';
import { CaseHeader } from './CaseHeader.js';
import { NotesPanel } from './NotesPanel.js';
import { ReportPanel } from './ReportPanel.js';
import { CustodyPanel } from './CustodyPanel.js';
import { CaseEvidencePanel } from './CaseEvidencePanel.js';
import { AllowlistPanel } from './AllowlistPanel.js';
import { shown } from '../../lib/visible-text.js';
import './cases.css';

const TRIAGE: TriageState[] = TriageStateSchema.options;

/** The Case tab: the case being worked, its findings and triage, notes, evidence and custody, and reports. */
export function CaseView() {
  const api = useApi();
  const wb = useWorkbench();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [message, setMessage] = useState<string>();
  const [verify, setVerify] = useState<VerifyResult>();

  const listQ = useQuery(() => api.call('cases.list', { includeArchived: true }), []);
  const current = listQ.data?.find((c) => c.current);
  const caseId = current?.id;
  const detailQ = useQuery(
    caseId
      ? async () => {
          const [findings, notes, custody, evidence, suppressions] = await Promise.all([
            api.call('findings.list', { caseId, limit: 200 }),
            api.call('notes.list', { caseId, versions: true }),
            api.call('custody.list', { caseId }),
            api.call('evidence.list', { caseId }),
            api.call('suppressions.list', { caseId }),
          ]);
          return { findings, notes, custody, evidence, suppressions };
        }
      : undefined,
    [caseId],
  );
  const reloadAll = useCallback(() => {
    listQ.reload();
    detailQ.reload();
  }, [listQ.reload, detailQ.reload]);
  useEffect(() => {
    setVerify(undefined);
  }, [caseId]);

  /** Runs one case action; errors show above the panels and nothing the analyst typed is lost. */
  const act = async <T,>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await fn();
      setMessage(what);
      reloadAll();
      return r;
    } catch (e) {
      setError(e as Error);
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  if (listQ.error) return <ErrorState error={listQ.error} onRetry={listQ.reload} />;
  if (!listQ.data) return <Loading what="cases" />;

  const d = detailQ.data;
  const editable = !!current && current.status === 'open';
  return (
    <div className="cv" data-testid="case-view">
      <CaseHeader
        cases={listQ.data}
        current={current}
        busy={busy}
        engineId={wb.engineId}
        onCreate={(name) => void act(`Created case ${name}`, () => api.call('cases.create', { name }))}
        onOpen={(id) => void act('Switched case', () => api.call('cases.open', { caseId: id }))}
        onRename={(name) => caseId && void act('Renamed', () => api.call('cases.rename', { caseId, name }))}
        onStatus={(s) =>
          caseId &&
          void act(`Case ${s === 'close' ? 'closed' : s === 'reopen' ? 'reopened' : 'archived'}`, () =>
            api.call(`cases.${s}`, { caseId }),
          )
        }
        onAddScan={() =>
          caseId &&
          wb.engineId &&
          void act('Recorded the latest scan', () => api.call('cases.addScan', { caseId, engineId: wb.engineId! }))
        }
        onImport={(path) => void act('Opened the bundle as a read-only case', () => api.call('bundles.open', { path }))}
      />
      {error ? (
        <ErrorState error={error} />
      ) : message ? (
        <div className="muted small" role="status">
          {message}
        </div>
      ) : null}
      {!current ? (
        <Empty title="No case open">
          Create a case to keep findings, notes, evidence and a custody log together, or open an offline bundle.
        </Empty>
      ) : detailQ.error ? (
        <ErrorState error={detailQ.error} onRetry={detailQ.reload} />
      ) : !d ? (
        <Loading what="the case" />
      ) : (
        <div className="cv-grid">
          <section className="cv-panel" aria-label="Findings in this case">
            <h3>
              Findings <span className="muted small">{d.findings.total} in this case</span>
            </h3>
            {d.findings.total === 0 ? (
              <p className="muted">No findings recorded yet: run a scan, then “Record latest scan”.</p>
            ) : (
              <ul className="cv-findings">
                {d.findings.items.map((f) => (
                  <li key={f.id}>
                    <span className={`cv-sev sev-${f.severity}`}>{f.severity}</span>
                    <button
                      type="button"
                      className="ghost cv-flink"
                      title="Open in Findings"
                      onClick={() => {
                        if (f.container) wb.selectContainer(f.container.id);
                        wb.setFocus({ kind: 'finding', ref: f.id });
                        wb.openTab('findings');
                      }}
                    >
                      {f.title}
                    </button>
                    <span className="muted small cv-fcont">{shown(f.container?.name, 120)}</span>
                    <select
                      aria-label={`Triage state of ${f.title}`}
                      value={f.state}
                      disabled={!editable || busy}
                      onChange={(e) =>
                        void act('Triage saved', () =>
                          api.call('findings.setState', {
                            caseId: current.id,
                            findingId: f.id,
                            state: e.target.value as TriageState,
                          }),
                        )
                      }
                    >
                      {TRIAGE.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <NotesPanel
            notes={d.notes}
            disabled={!editable}
            onAdd={async (markdown) =>
              (await act('Note added', () => api.call('notes.add', { caseId: current.id, markdown }))) !== undefined
            }
            onEdit={async (noteId, markdown) =>
              (await act('Note edited: saved as a new version', () =>
                api.call('notes.edit', { caseId: current.id, noteId, markdown }),
              )) !== undefined
            }
          />
          <AllowlistPanel
            entries={d.suppressions}
            disabled={!editable || busy}
            onAdd={async (a) =>
              (await act('Allowlist entry added: it applies to the next scan', () =>
                api.call('suppressions.add', {
                  caseId: current.id,
                  suppression: {
                    id: a.id,
                    reason: a.reason,
                    detectors: a.detectors,
                    match: { container: a.container },
                  },
                }),
              )) !== undefined
            }
          />
          <CaseEvidencePanel key={`${current.id}-${current.scanCount}`} caseId={current.id} />
          <ReportPanel
            generate={(format: ReportFormat) =>
              act(`${format} report generated`, () => api.call('reports.generate', { caseId: current.id, format }))
            }
          />
          <CustodyPanel
            entries={d.custody}
            evidenceCount={d.evidence.length}
            verify={verify}
            busy={busy}
            onVerify={() =>
              void act('Verified', () => api.call('evidence.verify', { caseId: current.id })).then(
                (r) => r && setVerify(r),
              )
            }
          />
        </div>
      )}
    </div>
  );
}
