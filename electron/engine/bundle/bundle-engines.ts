import type { ContainerDetail, ContainerSummary } from '@shared/domain/container.js';
import { ContainerSummarySchema } from '@shared/domain/container.js';
import type { CaseView } from '@shared/api/cases.js';
import type { EngineConfig } from '@shared/domain/engine.js';
import type { ContainerEvidence, EngineEvidence } from '@shared/domain/evidence-set.js';
import type { Finding } from '@shared/domain/finding.js';
import { ScanResultSchema, type ScanResult } from '@shared/domain/scan.js';
import type { CaseService } from '../cases/case-service.js';
import { AppError } from '@shared/errors.js';
import type { EngineRegistry } from '../connections/registry.js';
import type { EngineCapabilities, EngineSource, RecordedScan } from '../connections/engine-source.js';
import type { OpenedBundle } from './read-bundle.js';
import { bundleLabel } from './bundle-format.js';
import { recordedEvents, type TimelineQuery, type TimelineResult } from '../investigate/timeline-events.js';

/** The engine id of the bundle opened as a case: stable, so opening the same case twice gives one engine. */
export const bundleEngineId = (caseId: string): string => `bundle-${caseId}`.slice(0, 128);

/**
 * The error of every operation that needs a live engine (exec, logs, stats, reading image layers, a new scan)
 * asked of an evidence bundle: the bundle holds what was collected then, and nothing can be asked of it now.
 */
export function readOnlyBundleError(name: string, what = 'this needs a live engine'): AppError {
  return new AppError(
    'FORBIDDEN',
    `read-only evidence bundle: "${name.slice(0, 256)}" holds evidence collected earlier; ${what}`,
  );
}

const READ_ONLY: EngineCapabilities = { mode: 'read-only', liveEvents: false };

/**
 * Offline bundles shown as read-only engines. An opened bundle gets an engine entry (source 'bundle') whose
 * containers, evidence, latest scan and network graph are answered from the bundle's evidence set, so the
 * workbench views investigate it as they would a live engine; anything needing a live engine is refused by
 * the registry with a "read-only evidence bundle" error.
 */
export class BundleEngines implements EngineSource {
  private readonly outcomes = new Map<string, RecordedScan>();

  constructor(private readonly engines: EngineRegistry) {}

  /** Registers the bundle of an imported case as an engine and connects it (which publishes its state). */
  open(c: CaseView, b: OpenedBundle): EngineConfig {
    return this.register(
      c,
      bundleLabel(b.manifest),
      `collected ${b.manifest.createdAt.slice(0, 64)} by ${b.manifest.createdBy.slice(0, 256)} from ${b.manifest.engine.endpoint.slice(0, 512)}`,
      b.result,
      b.evidence,
    );
  }

  /**
   * Registers a read-only case imported earlier (say, before a restart) from what its store kept of the
   * bundle. Does nothing for other cases, for a bundle already open, or when the case holds no evidence set.
   */
  openFromCase(c: CaseView, store: () => CaseService): EngineConfig | undefined {
    if (!c.readOnly || this.outcomes.has(bundleEngineId(c.id)) || this.outcomes.has(`${bundleEngineId(c.id)}-1`))
      return undefined;
    const cases = store();
    const scans = cases.scans(c.id).filter((s) => s.evidenceSha256);
    let first: EngineConfig | undefined;
    // A collection from several nodes holds one scan per node: each comes back as an engine of its own.
    scans.forEach((scan, i) => {
      const evidence = cases.engineEvidence(c.id, scan.id);
      if (!evidence) return;
      const result = ScanResultSchema.parse(JSON.parse(cases.readEvidence(c.id, scan.resultSha256).toString('utf8')));
      const id = scans.length === 1 ? bundleEngineId(c.id) : `${bundleEngineId(c.id)}-${i + 1}`.slice(0, 128);
      const label = scans.length === 1 ? c.name : `${result.engine.name} (${c.name})`;
      const config = this.register(c, label, `imported ${c.createdAt}`, result, evidence, id);
      first ??= config;
    });
    return first;
  }

  /** Brings a case back as a bundle engine when it is an imported one. */
  revive(c: CaseView, cases: () => CaseService): void {
    try {
      this.openFromCase(c, cases);
    } catch {
      // A case whose stored evidence cannot be read still opens; only its engine view is missing.
    }
  }

  private register(
    c: CaseView,
    label: string,
    provenance: string,
    result: ScanResult,
    evidence: EngineEvidence,
    id = bundleEngineId(c.id),
  ): EngineConfig {
    const config: EngineConfig = {
      id,
      name: `bundle: ${label}`.slice(0, 256),
      kind: 'docker',
      source: 'bundle',
      endpoint: { type: 'bundle', path: (c.source ?? '').slice(0, 4096), caseId: c.id },
      current: false,
      description: `Read-only evidence ${provenance}`.slice(0, 1024),
    };
    // Everything in the bundle names its original engine: re-home it so views asking by this id find it.
    this.outcomes.set(id, { result: rehomeResult(result, id), evidence: rehomeEvidence(evidence, id), suppressed: [] });
    this.engines.add(config);
    void this.engines.connect(id);
    return config;
  }

  has(engineId: string): boolean {
    return this.outcomes.has(engineId);
  }

  capabilities(): EngineCapabilities {
    return READ_ONLY;
  }

  recorded(engineId: string): RecordedScan | undefined {
    return this.outcomes.get(engineId);
  }

  refusal(engineId: string): AppError {
    return readOnlyBundleError(this.engines.config(engineId).name);
  }

  /** containers.list of a bundle engine: every container it holds evidence of, as it was then. */
  async list(engineId: string, all = true): Promise<ContainerSummary[]> {
    const o = this.require(engineId);
    const risk = new Map(o.result.containers.map((c) => [c.id, c.risk]));
    return o.evidence.containers
      .map((c) => ContainerSummarySchema.parse({ ...c.container, risk: risk.get(c.container.id) ?? c.container.risk }))
      .filter((c) => all || c.state === 'running')
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** containers.inspect of a bundle engine, by full id or unique prefix, as the Engine API accepts. */
  async inspect(engineId: string, containerId: string): Promise<ContainerDetail> {
    const found = this.require(engineId).evidence.containers.find(
      (c) => c.container.id.startsWith(containerId) || c.container.name === containerId,
    );
    if (!found)
      throw new AppError('NOT_FOUND', `The evidence bundle holds no container "${containerId.slice(0, 128)}"`);
    return found.container;
  }

  /** One container's evidence as the bundle holds it: there is nothing to collect again. */
  async evidence(engineId: string, containerId: string): Promise<ContainerEvidence> {
    const held = this.outcomes.get(engineId)?.evidence.containers.find((c) => c.container.id.startsWith(containerId));
    if (!held) throw new AppError('NOT_FOUND', `The evidence bundle holds no container "${containerId.slice(0, 128)}"`);
    return held;
  }

  /** timeline.events of a bundle engine: the engine events it recorded when it was collected. */
  async timeline(engineId: string, q: TimelineQuery): Promise<TimelineResult> {
    const ev = this.require(engineId).evidence;
    return recordedEvents(ev.events, ev.collectedAt, engineId, q);
  }

  private require(engineId: string): RecordedScan {
    const o = this.outcomes.get(engineId);
    if (!o) throw new AppError('NOT_FOUND', `No evidence bundle is open as engine "${engineId.slice(0, 128)}"`);
    return o;
  }
}

const rehomeFinding = (f: Finding, engineId: string): Finding => ({ ...f, engineId });

export function rehomeResult(r: ScanResult, engineId: string): ScanResult {
  return { ...r, engine: { ...r.engine, id: engineId }, findings: r.findings.map((f) => rehomeFinding(f, engineId)) };
}

export function rehomeEvidence(ev: EngineEvidence, engineId: string): EngineEvidence {
  return {
    ...ev,
    engine: { ...ev.engine, id: engineId },
    containers: ev.containers.map((c) => ({ ...c, container: { ...c.container, engineId } })),
  };
}
