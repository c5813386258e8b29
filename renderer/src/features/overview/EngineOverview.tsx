import { useEffect, useMemo, useState } from 'react';
import { useApi } from '../../workbench/api-context.js';
import { useWorkbench } from '../../workbench/workbench.js';
import { useQuery } from '../../lib/use-query.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { SEVERITIES, type Finding } from '@shared/domain/finding.js';
import type { ScanError } from '@shared/domain/scan.js';
import { isUnknownOp } from '../../lib/unknown-op.js';
import { visible } from '../../lib/visible-text.js';
import { RiskStrip } from './RiskStrip.js';
import { CountBars } from './CountBars.js';
import { AttackMatrix } from './AttackMatrix.js';
import {
  age,
  countByDetector,
  countBySeverity,
  lifecycles,
  riskRows,
  type Lifecycle,
  type RiskRow,
} from './overview-model.js';
import './overview.css';

const HOUR_MS = 3_600_000;
const SOURCE_KEY = 'stowaway.overview.source';

interface OverviewData {
  rows: RiskRow[];
  findings: Finding[];
  scannedAt?: string;
  scanErrors: ScanError[];
  started: Lifecycle[];
  autoRemoved: Lifecycle[];
  /** Why the last hour's events could not be read (a bundle keeps its own window; an engine may refuse). */
  eventsError?: string;
}

/** What the engine (or the open case) looks like as a whole: where the trouble is, before any container is picked. */
export function EngineOverview() {
  const api = useApi();
  const wb = useWorkbench();
  const { engineId } = wb;
  const current = useQuery(
    () => api.call('cases.current', {}).catch((e) => (isUnknownOp(e) ? null : Promise.reject(e))),
    [],
  );
  const caseView = current.data ?? undefined;
  // The analyst's choice of engine or case outlives a trip to Findings and back (the view remounts per tab).
  const [source, setSourceState] = useState<'engine' | 'case'>(() =>
    sessionStorage.getItem(SOURCE_KEY) === 'case' ? 'case' : 'engine',
  );
  const setSource = (s: 'engine' | 'case') => {
    sessionStorage.setItem(SOURCE_KEY, s);
    setSourceState(s);
  };
  const caseId = source === 'case' ? caseView?.id : undefined;

  const q = useQuery<OverviewData>(
    caseId
      ? async () => {
          const [containers, page] = await Promise.all([
            api.call('cases.containers', { caseId }),
            api.call('findings.list', { caseId, limit: 10_000 }),
          ]);
          const newest = new Map(containers.map((c) => [c.id, c]));
          return {
            rows: riskRows([...newest.values()], page.items),
            findings: page.items,
            scanErrors: [],
            started: [],
            autoRemoved: [],
          };
        }
      : engineId
        ? async () => {
            const since = new Date(Date.now() - HOUR_MS).toISOString();
            const [containers, scan, events] = await Promise.all([
              api.call('containers.list', { engineId, all: true }),
              api.call('scan.latest', { engineId }),
              api.call('timeline.events', { engineId, since }).then(
                (r) => ({ events: r.events, error: undefined }),
                (e: Error) => ({ events: [], error: e.message }),
              ),
            ]);
            const life = lifecycles(events.events);
            const findings = scan?.findings ?? [];
            return {
              rows: riskRows(containers, findings, scan?.containers),
              findings,
              scannedAt: scan?.scannedAt,
              scanErrors: scan?.errors ?? [],
              ...life,
              eventsError: events.error,
            };
          }
        : undefined,
    [engineId, caseId],
  );

  // Scans, case changes and container lifecycles refresh the picture; the age of the scan ticks on its own.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(q.reload, 800);
    };
    const offP = api.on('scan.progress', (p) => p.phase === 'done' && later());
    const offE = api.on(
      'engine.event',
      (ev) =>
        ev.engineId === engineId && ev.type === 'container' && ['start', 'destroy'].includes(ev.action) && later(),
    );
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => {
      offP();
      offE();
      clearInterval(tick);
      clearTimeout(timer);
    };
  }, [api, engineId, q.reload]);

  const d = q.data;
  const bySeverity = useMemo(() => countBySeverity(d?.findings ?? []), [d]);
  const byDetector = useMemo(() => countByDetector(d?.findings ?? []), [d]);

  if (!engineId && !caseId) return <Empty title="No engine">Pick an engine in the left rail.</Empty>;
  if (q.error && !d) return <ErrorState error={q.error} onRetry={q.reload} />;
  const show = wb.showFindings ?? (() => wb.openTab('findings'));
  const openContainer = (id: string) => {
    wb.selectContainer(id);
    wb.openTab('overview');
  };
  const known = new Set(d?.rows.map((r) => r.id));
  const liveFindings = Object.values(bySeverity).reduce((a, b) => a + b, 0);

  return (
    <div className="eo" data-testid="engine-overview" data-source={source}>
      <header className="eo-top">
        <h2 className="view-title">{caseId ? `Case ${visible(caseView!.name)}` : 'Engine overview'}</h2>
        {caseView ? (
          <div className="eo-source" role="group" aria-label="Overview of">
            <button
              type="button"
              className={source === 'engine' ? 'on' : ''}
              aria-pressed={source === 'engine'}
              onClick={() => setSource('engine')}
              data-testid="overview-source-engine"
            >
              Engine
            </button>
            <button
              type="button"
              className={source === 'case' ? 'on' : ''}
              aria-pressed={source === 'case'}
              onClick={() => setSource('case')}
              data-testid="overview-source-case"
            >
              Case
            </button>
          </div>
        ) : null}
        <span className="spacer" />
        {d ? <ScanAge scannedAt={d.scannedAt} now={now} isCase={Boolean(caseId)} errors={d.scanErrors.length} /> : null}
      </header>
      {!d ? (
        <Loading what="overview" />
      ) : (
        <>
          <p className="eo-summary" data-testid="overview-summary">
            <b>{d.rows.length}</b> containers · <b>{d.rows.filter((r) => r.findings > 0).length}</b> with findings ·{' '}
            <b>{liveFindings}</b> open findings
            {d.scannedAt || caseId ? null : <span className="muted"> · no scan yet: press Scan in Findings</span>}
          </p>
          <div className="eo-grid">
            <section className="ov-card eo-card-risk" aria-labelledby="eo-h-risk">
              <h3 id="eo-h-risk">Risk by container</h3>
              <RiskStrip rows={d.rows} onOpen={openContainer} />
            </section>
            <section className="ov-card" aria-labelledby="eo-h-sev">
              <h3 id="eo-h-sev">Findings by severity</h3>
              <CountBars
                testId="by-severity"
                label="Findings by severity"
                bars={[...SEVERITIES].reverse().map((s) => ({ key: s, label: s, count: bySeverity[s], severity: s }))}
                onPick={(s) => show({ severity: s as Finding['severity'] })}
              />
              <h3 id="eo-h-det" className="eo-sub">
                Findings by detector
              </h3>
              {byDetector.length === 0 ? (
                <p className="muted small">None.</p>
              ) : (
                <div className="eo-detectors">
                  <CountBars
                    testId="by-detector"
                    label="Findings by detector"
                    bars={byDetector.map((x) => ({
                      key: x.detector,
                      label: x.detector,
                      count: x.count,
                      severity: x.worst,
                    }))}
                    onPick={(det) => show({ detector: det })}
                  />
                </div>
              )}
            </section>
          </div>
          <section className="ov-card eo-card-matrix" aria-labelledby="eo-h-matrix">
            <h3 id="eo-h-matrix">ATT&amp;CK techniques seen</h3>
            <AttackMatrix findings={d.findings} onPick={(t) => show({ technique: t })} />
          </section>
          <div className="eo-grid eo-grid-low">
            {caseId ? null : (
              <section className="ov-card" aria-labelledby="eo-h-recent" data-testid="recent-starts">
                <h3 id="eo-h-recent">Started in the last hour</h3>
                <div data-testid="started">
                  <LifeList
                    items={d.started}
                    known={known}
                    onOpen={openContainer}
                    empty={
                      d.eventsError ? `Events unavailable: ${d.eventsError}` : 'No container started in the last hour.'
                    }
                    when={(l) => l.started}
                  />
                </div>
                <h3 className="eo-sub" id="eo-h-rm">
                  Removed on exit (<code>--rm</code>), seen only in events
                </h3>
                <div data-testid="auto-removed">
                  <LifeList
                    items={d.autoRemoved}
                    known={known}
                    onOpen={openContainer}
                    empty="None in the last hour."
                    when={(l) => l.destroyed}
                  />
                </div>
              </section>
            )}
            <section
              className="ov-card"
              aria-labelledby="eo-h-errors"
              data-testid="scan-errors"
              data-count={d.scanErrors.length}
            >
              <h3 id="eo-h-errors">Scan errors</h3>
              {d.scanErrors.length === 0 ? (
                <p className="muted small">
                  {caseId
                    ? 'See the scans of the case in the Case view.'
                    : d.scannedAt
                      ? 'None: every container and call answered.'
                      : 'No scan yet.'}
                </p>
              ) : (
                <ul className="eo-errors">
                  {d.scanErrors.slice(0, 20).map((e, i) => (
                    <li key={i}>
                      <code>{e.code}</code> {e.call}
                      {e.containerId ? (
                        <span className="muted">
                          {' '}
                          · {visible(d.rows.find((r) => r.id === e.containerId)?.name ?? e.containerId.slice(0, 12))}
                        </span>
                      ) : null}
                      <div className="muted small">{visible(e.message)}</div>
                    </li>
                  ))}
                  {d.scanErrors.length > 20 ? (
                    <li className="muted small">and {d.scanErrors.length - 20} more</li>
                  ) : null}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}

function ScanAge({
  scannedAt,
  now,
  isCase,
  errors,
}: {
  scannedAt: string | undefined;
  now: number;
  isCase: boolean;
  errors: number;
}) {
  if (isCase) return null;
  if (!scannedAt)
    return (
      <span className="warn small" data-testid="scan-age">
        never scanned
      </span>
    );
  const ms = now - Date.parse(scannedAt);
  return (
    <span className={`small ${ms > HOUR_MS ? 'warn' : 'muted'}`} data-testid="scan-age" title={scannedAt}>
      scanned {age(ms)} ago{errors ? ` · ${errors} error${errors === 1 ? '' : 's'}` : ''}
    </span>
  );
}

function LifeList({
  items,
  known,
  onOpen,
  empty,
  when,
}: {
  items: Lifecycle[];
  known: Set<string>;
  onOpen(id: string): void;
  empty: string;
  when(l: Lifecycle): number | undefined;
}) {
  if (items.length === 0) return <p className="muted small">{empty}</p>;
  return (
    <ul className="eo-life">
      {items.slice(0, 12).map((l) => {
        const t = when(l);
        const body = (
          <>
            <span className="eo-name">{visible(l.name)}</span>
            <span className="muted small">{l.image ? visible(l.image) : ''}</span>
            <span className="muted small eo-time">{t ? new Date(t).toLocaleTimeString() : ''}</span>
          </>
        );
        return (
          <li key={l.id}>
            {known.has(l.id) ? (
              <button
                type="button"
                className="eo-life-item"
                onClick={() => onOpen(l.id)}
                data-testid="life-item"
                data-name={l.name}
              >
                {body}
              </button>
            ) : (
              <span className="eo-life-item gone" data-testid="life-item" data-name={l.name}>
                {body}
              </span>
            )}
          </li>
        );
      })}
      {items.length > 12 ? <li className="muted small">and {items.length - 12} more</li> : null}
    </ul>
  );
}
