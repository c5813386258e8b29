import { randomUUID } from 'node:crypto';
import type { ContainerEvidence, EngineEvidence } from '@shared/domain/evidence-set.js';
import type { ScanProgress, ScanResult } from '@shared/domain/scan.js';
import type { EventBus } from '../event-bus.js';
import type { EngineRegistry } from '../connections/registry.js';
import type { PartialHandlers } from '../handlers.js';
import { DEFAULT_CALL_TIMEOUT_MS, endpointUrl } from '../docker/client.js';
import { insecureTransport } from '../connections/transport-security.js';
import { toAppError } from '../errors.js';
import { collectContainerEvidence } from '../collect/container-evidence.js';
import { engineLooksLocal } from '../collect/host-access.js';
import type { Suppression } from '../detect/run-detectors.js';
import { runScan, type ScanOutcome } from './run-scan.js';
import { DETECTORS } from '../detect/registry.js';
import { loadRulesDir, type LoadedRules } from '../detect/rules/load-rules.js';
import type { ScanBasis } from './incremental.js';
import type { KubeEvidenceSource } from '../kube/kube-evidence.js';
import type { ScanOptions } from '@shared/api/scan.js';
import { readScanInputs } from './read-scan-inputs.js';
import { runKubeScan } from '../kube/kube-scan.js';
import type { EngineConfig } from '@shared/domain/engine.js';
import type { Collector } from './collect-job.js';
import { hostReadPool } from '../collect/host-read-pool.js';
import { collectOnThread } from './collect-in-worker.js';

export interface ScanServiceOptions {
  procRoot?: string;
  callTimeoutMs?: number;
  concurrency?: number;
  /** Allowlist entries in force, read at the start of every scan: the current case's, or those of the case named. */
  suppressions?: (caseRef?: string) => Suppression[] | Promise<Suppression[]>;
  /**
   * Rescans of a local engine read again only the containers that changed (see collectIncremental). On for the
   * desktop app and `serve`; a one-off CLI scan has no next scan to prepare for.
   */
  incremental?: boolean;
  /** Where kubeconfig files are found (KUBECONFIG, HOME) for Kubernetes contexts. */
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Rule files read at the start of every scan (the data directory's rules/ folder); absent or empty: built-ins only. */
  rulesDir?: string;
  /**
   * Where engine collections run: 'auto' (the default) gives each its own thread while more than one engine scan
   * is in flight, unless the process's host-read threads already take the host-side reads off this thread (then
   * measured faster: `npm run bench -- engines`); 'always' and 'never' force one way.
   */
  collectThreads?: 'auto' | 'always' | 'never';
}

/** The signatures of an engine's latest scan and the settings they were taken with: another setting means a full scan. */
interface Basis {
  signatures: Map<string, string>;
  settings: string;
}

/** How long a scan's evidence of a container stands in for a fresh collection when a view asks for it. */
export const SCAN_EVIDENCE_REUSE_MS = 5 * 60_000;

/** Reads a scan makes only when asked: exec runs container binaries, stats costs about a second per container. */
export interface ScanExtras {
  exec?: boolean;
  stats?: boolean | 'auto';
  /** An allowlist for this scan only, in place of the one in force (a named case's, say). */
  suppressions?: Suppression[];
  /** Pods and audit events of the cluster this engine is a node of. */
  kube?: KubeEvidenceSource;
  /** A Kubernetes context scan limited to these namespaces. */
  namespaces?: string[];
  /** Observe running containers for this long within the scan (see observeEngine). */
  observeMs?: number;
  /** Overrides the service's `incremental` for this scan. */
  incremental?: boolean;
  /** Ends the collection early (containers not yet read are left out): a watch being stopped. */
  signal?: AbortSignal;
  /** A rules directory for this scan in place of the service's (`stowaway scan --rules DIR`). */
  rulesDir?: string;
}

export type { ScanOutcome };

/** The result as clients get it: with the findings an allowlist hid, a field left out when nothing was hidden. */
export const reportedResult = (o: Pick<ScanOutcome, 'result' | 'suppressed'>): ScanResult =>
  o.suppressed.length ? { ...o.result, suppressed: o.suppressed } : o.result;

const noop = () => undefined;

// Functions among the options (a cluster's evidence source) are told apart by identity, not by their text.
const functionIds = new WeakMap<object, number>();
let functionCount = 0;
const functionId = (f: object): string => {
  if (!functionIds.has(f)) functionIds.set(f, ++functionCount);
  return `fn#${functionIds.get(f)}`;
};

/** What makes two scan requests the same scan: everything asked for except the caller's abort signal. */
const requestKey = (since: string | undefined, { signal: _signal, ...extra }: ScanExtras): string =>
  JSON.stringify({ since, extra }, (_k, v: unknown) => (typeof v === 'function' ? functionId(v) : v));

/** A progress report as the scan produces it, before the service adds its scan id. */
type ScanPhase = Omit<ScanProgress, 'scanId'>;

/**
 * Scans engines and keeps, per engine, the latest result and the evidence behind it; serves one container's
 * evidence to the views from that scan or from a fresh collection, cached until asked to refresh.
 */
export class ScanService {
  private readonly latestByEngine = new Map<string, ScanOutcome>();
  /** Per engine, the scan last asked for: running, or queued behind the one that runs. */
  private readonly running = new Map<string, { key: string; started: boolean; outcome: Promise<ScanOutcome> }>();
  private readonly containerCache = new Map<string, Promise<ContainerEvidence>>();
  private readonly bases = new Map<string, Basis>();
  /** Each engine's last scan request, repeated by live rescans; observing is left out (it takes its duration each time). */
  private readonly lastRequest = new Map<string, { since?: string; extra: ScanExtras }>();
  /** Scans asked for through the contract and not yet answered. */
  private requested = 0;

  constructor(
    private readonly engines: EngineRegistry,
    private readonly bus: EventBus,
    private readonly opts: ScanServiceOptions = {},
  ) {}

  /**
   * One scan per engine at a time, and never an answer from a scan that began before the request: a change the
   * caller just made (or just saw) must be in what it gets back. While a scan runs, requests wait for it and share
   * the one scan queued after it; requests with other options (a baseline, another since) queue behind that. The
   * outcome is the whole scan (result, evidence, hidden findings), so callers never read it back from the
   * latest-scan cache.
   */
  run(engineId: string, since?: string, extra: ScanExtras = {}): Promise<ScanOutcome> {
    const key = requestKey(since, extra);
    const last = this.running.get(engineId);
    if (last && !last.started && last.key === key) return last.outcome;
    const entry = { key, started: false } as { key: string; started: boolean; outcome: Promise<ScanOutcome> };
    const start = (last ? last.outcome.then(noop, noop) : Promise.resolve()).then(() => {
      entry.started = true;
      return this.scan(engineId, since, extra);
    });
    entry.outcome = start.finally(() => {
      if (this.running.get(engineId) === entry) this.running.delete(engineId);
    });
    this.running.set(engineId, entry);
    return entry.outcome;
  }

  /** The engine's last scan once more, with the same since and reads; undefined when it was never scanned here. */
  again(engineId: string): Promise<ScanOutcome> | undefined {
    const last = this.lastRequest.get(engineId);
    if (!last || this.engines.capabilities(engineId).mode === 'read-only') return undefined;
    return this.run(engineId, last.since, last.extra);
  }

  latest(engineId: string): ScanResult | null {
    return this.latestOutcome(engineId)?.result ?? null;
  }

  /** A read-only engine's latest scan is, for good, the one it was opened with: there is nothing to collect again. */
  latestOutcome(engineId: string): ScanOutcome | null {
    return this.engines.source(engineId)?.recorded?.(engineId) ?? this.latestByEngine.get(engineId) ?? null;
  }

  latestEvidence(engineId: string): EngineEvidence | null {
    return this.latestOutcome(engineId)?.evidence ?? null;
  }

  /** Evidence of one container: cached per container; `refresh` collects it again. */
  containerEvidence(engineId: string, containerId: string, refresh = false): Promise<ContainerEvidence> {
    const key = `${engineId}\u0000${containerId}`;
    if (!refresh) {
      const cached = this.containerCache.get(key);
      if (cached) return cached;
      const latest = this.latestEvidence(engineId);
      // A recent scan already read this container; an old one would show processes that are long gone.
      const fresh = latest && Date.now() - Date.parse(latest.collectedAt) < SCAN_EVIDENCE_REUSE_MS;
      const fromScan = fresh ? latest.containers.find((c) => c.container.id.startsWith(containerId)) : undefined;
      if (fromScan) return Promise.resolve(fromScan);
    }
    const p = this.collectOne(engineId, containerId);
    this.containerCache.set(key, p);
    // A failed collection is not cached: the next request tries again.
    p.catch(() => this.containerCache.delete(key));
    return p;
  }

  handlers(): Pick<Required<PartialHandlers>, 'scan.run' | 'scan.latest' | 'evidence.latest'> {
    return {
      'scan.run': async ({ engineId, since, options }, ctx) => {
        // Counted from the moment it is asked for: a scan of several engines reads its options before running, and
        // the first engine must already see the others coming (see collectorFor).
        this.requested++;
        try {
          const extra = { ...(await this.extrasFor(options)), signal: ctx.signal };
          return reportedResult(await this.run(engineId, since, extra));
        } finally {
          this.requested--;
        }
      },
      'scan.latest': async ({ engineId }) => {
        const o = this.latestOutcome(engineId);
        return o && reportedResult(o);
      },
      'evidence.latest': async ({ engineId }) => this.latestEvidence(engineId),
    };
  }

  /** The scan options of the UI and the CLI's flags, read alike (see readScanInputs). */
  private async extrasFor(options: ScanOptions | undefined): Promise<ScanExtras> {
    const o = options ?? {};
    const inForce = async () => (await this.opts.suppressions?.(o.allowlistCase)) ?? [];
    const inputs = await readScanInputs(o, inForce);
    // A scan judged by a named case's allowlist uses it even without a file or baseline.
    const suppressions = inputs.suppressions ?? (o.allowlistCase !== undefined ? await inForce() : undefined);
    return {
      suppressions,
      kube: inputs.kube,
      observeMs: inputs.observeMs,
      exec: o.exec,
      stats: o.stats,
      namespaces: o.namespaces,
      rulesDir: o.rulesDir,
    };
  }

  private async collectOne(engineId: string, containerId: string): Promise<ContainerEvidence> {
    const docker = await this.engines.client(engineId);
    const local = await engineLooksLocal(this.engines.config(engineId));
    return collectContainerEvidence(docker, containerId, {
      engineId,
      local,
      procRoot: this.opts.procRoot,
      callTimeoutMs: this.opts.callTimeoutMs,
    });
  }

  private async scan(engineId: string, since: string | undefined, extra: ScanExtras): Promise<ScanOutcome> {
    const scanId = randomUUID();
    const config = this.engines.config(engineId);
    this.lastRequest.set(engineId, { since, extra: { ...extra, observeMs: undefined, signal: undefined } });
    const suppressions = extra.suppressions ?? (await this.opts.suppressions?.()) ?? [];
    const emitProgress = (p: ScanPhase) =>
      this.bus.emit('scan.progress', { scanId, ...p, message: p.message?.slice(0, 512) });
    let done: ScanPhase | undefined;
    const onProgress = (p: ScanPhase) => {
      // "done" waits until the result is stored, so a UI that reloads on it sees this scan, not the last one.
      if (p.phase === 'done') done = p;
      else emitProgress(p);
    };
    const settings = JSON.stringify([since ?? null, Boolean(extra.exec), extra.stats ?? null]);
    const incremental = extra.incremental ?? this.opts.incremental ?? false;
    const held = this.bases.get(engineId);
    const basis =
      incremental && held?.settings === settings && this.latestEvidence(engineId)
        ? { evidence: this.latestEvidence(engineId)!, signatures: held.signatures }
        : null;
    try {
      const outcome =
        config.endpoint.type === 'kubernetes'
          ? await this.scanCluster(config, config.endpoint.context, extra, suppressions, onProgress)
          : await this.scanEngine(
              engineId,
              since,
              { ...extra, incremental },
              suppressions,
              onProgress,
              basis,
              await this.rules(extra),
            );
      this.latestByEngine.set(engineId, outcome);
      if (outcome.signatures) this.bases.set(engineId, { signatures: outcome.signatures, settings });
      else this.bases.delete(engineId);
      if (done) emitProgress(done);
      for (const key of [...this.containerCache.keys()])
        if (key.startsWith(`${engineId}\u0000`)) this.containerCache.delete(key);
      return outcome;
    } catch (e) {
      const err = toAppError(e, `engine "${config.name}"`);
      if (['ENGINE_UNREACHABLE', 'ENGINE_TIMEOUT', 'SOCKET_MISSING'].includes(err.code))
        this.engines.markLost(engineId, err.message);
      throw err;
    }
  }

  /** A kubeconfig context: the cluster's inventory through its API server (see runKubeScan). */
  private scanCluster(
    config: EngineConfig,
    context: string,
    extra: ScanExtras,
    suppressions: Suppression[],
    onProgress: (p: ScanPhase) => void,
  ): Promise<ScanOutcome> {
    return runKubeScan({
      context,
      env: this.opts.env,
      home: this.opts.home,
      engine: { id: config.id, name: config.name },
      namespaces: extra.namespaces,
      audit: extra.kube,
      suppressions,
      timeoutMs: this.opts.callTimeoutMs,
      onProgress,
    });
  }

  /** The rules in force for one scan: the scan's own directory (which must exist), else the service's (which may not). */
  private async rules(extra: ScanExtras): Promise<LoadedRules | undefined> {
    const dir = extra.rulesDir ?? this.opts.rulesDir;
    return dir === undefined
      ? undefined
      : loadRulesDir(
          dir,
          DETECTORS.map((d) => d.meta.id),
          extra.rulesDir === undefined,
        );
  }

  private async scanEngine(
    engineId: string,
    since: string | undefined,
    extra: ScanExtras,
    suppressions: Suppression[],
    onProgress: (p: ScanPhase) => void,
    basis: ScanBasis | null,
    rules?: LoadedRules,
  ): Promise<ScanOutcome> {
    const config = this.engines.config(engineId);
    const docker = await this.engines.client(engineId);
    const state = this.engines.state(engineId);
    const local = await engineLooksLocal(config);
    return runScan(
      docker,
      {
        id: config.id,
        name: config.name,
        endpoint: endpointUrl(config.endpoint),
        serverVersion: state.serverVersion,
        local,
        insecure: insecureTransport(config.endpoint),
      },
      {
        since,
        local,
        procRoot: this.opts.procRoot,
        callTimeoutMs: this.opts.callTimeoutMs,
        concurrency: this.opts.concurrency,
        exec: extra.exec,
        stats: extra.stats,
        suppressions,
        ...(rules && (rules.detectors.length || rules.errors.length)
          ? { detectors: [...DETECTORS, ...rules.detectors], ruleErrors: rules.errors }
          : {}),
        kube: extra.kube,
        observeMs: extra.observeMs,
        incremental: extra.incremental ? { basis } : undefined,
        signal: extra.signal,
        previous: this.latestEvidence(engineId),
        onProgress,
        collector: this.collectorFor(config),
      },
    );
  }

  /**
   * A thread of its own for this collection, or undefined to collect here. ssh engines stay on this thread: their
   * one session keeps the channels under the server's limit, and a thread would need a second session.
   */
  private collectorFor(config: EngineConfig): Collector | undefined {
    const mode = this.opts.collectThreads ?? 'auto';
    if (mode === 'never' || !['unix', 'tcp', 'npipe'].includes(config.endpoint.type)) return undefined;
    if (mode === 'auto' && (hostReadPool() !== null || Math.max(this.running.size, this.requested) < 2))
      return undefined;
    return collectOnThread({
      endpoint: config.endpoint,
      apiVersion: config.apiVersion,
      timeoutMs: this.opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    });
  }
}
