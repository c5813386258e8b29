import type Docker from 'dockerode';
import type { EngineEvidence } from '@shared/domain/evidence-set.js';
import type { ScanError, ScanProgress, ScanResult } from '@shared/domain/scan.js';
import type { Finding } from '@shared/domain/finding.js';
import type { EngineCollectOptions } from '../collect/engine-evidence.js';
import { riskScore, runDetectors, type Suppression } from '../detect/run-detectors.js';
import type { DetectPolicyInput } from '../detect/policy.js';
import type { Detector } from '../detect/detector.js';
import type { RuleError } from '../detect/rules/load-rules.js';
import { attachKubeEvidence, type KubeEvidenceSource } from '../kube/kube-evidence.js';
import { observeEngine } from './observe.js';
import type { ScanBasis } from './incremental.js';
import { collectHere, type Collector } from './collect-job.js';

export interface RunScanOptions extends Omit<EngineCollectOptions, 'engine' | 'onProgress'> {
  /** The previous scan of the same engine: its socket and stats samples give detectors a history. */
  previous?: EngineEvidence | null;
  suppressions?: Suppression[];
  policy?: DetectPolicyInput;
  /** The detectors to run (built-ins plus rule files); the built-ins when absent. */
  detectors?: readonly Detector[];
  /** Rule files that did not load: reported with the scan's errors, never fatal. */
  ruleErrors?: RuleError[];
  onProgress?: (p: Omit<ScanProgress, 'scanId'>) => void;
  /** Cluster-side facts (pods, audit events), read after the engine and joined to its evidence before detection. */
  kube?: KubeEvidenceSource;
  /** Observe the running containers for this long after collecting them (processes, sockets, stats over time). */
  observeMs?: number;
  /**
   * Local engines: read again only what changed since `basis` (null: read all, and take signatures for next time).
   * Observed scans always read every container.
   */
  incremental?: { basis: ScanBasis | null };
  /** Where the collection runs: on this thread when absent (see collect-in-worker for a thread of its own). */
  collector?: Collector;
}

export interface ScanOutcome {
  result: ScanResult;
  evidence: EngineEvidence;
  /** Findings an allowlist covered; kept for cases and reports, left out of the result's findings. */
  suppressed: Finding[];
  /** Per container, the signature of what was read (incremental scans only): the basis of the next rescan. */
  signatures?: Map<string, string>;
}

/** Collect, then detect: one engine's containers (running and stopped) to a scored ScanResult. */
export async function runScan(
  docker: Docker,
  engine: EngineEvidence['engine'],
  opts: RunScanOptions = {},
): Promise<ScanOutcome> {
  const started = Date.now();
  const collectOpts = {
    ...opts,
    engine,
    onProgress: (done: number, total: number, message: string) =>
      opts.onProgress?.({
        phase: total <= 1 && done === 0 && message.startsWith('listing') ? 'listing' : 'collecting',
        done,
        total,
        message,
      }),
  };
  const { collector, ...rest } = collectOpts;
  const collected = await (collector ?? collectHere)(docker, {
    ...rest,
    ...(opts.incremental && opts.local ? { basis: opts.observeMs ? null : opts.incremental.basis } : {}),
  });
  const evidence = collected.evidence;
  const reused = collected.reused ?? new Set<string>();
  if (opts.observeMs) {
    const total = Math.ceil(opts.observeMs / 1000);
    evidence.observation = await observeEngine(docker, evidence, {
      durationMs: opts.observeMs,
      procRoot: opts.procRoot,
      callTimeoutMs: opts.callTimeoutMs,
      concurrency: opts.concurrency,
      signal: opts.signal,
      onSample: (done, n) =>
        opts.onProgress?.({
          phase: 'collecting',
          done: Math.min(done, n),
          total: n,
          message: `observing: sample ${done} of ${n} (${total} s)`,
        }),
    });
  }
  // Kept evidence already holds its history; only containers read again take on the earlier samples.
  if (opts.previous) carryHistory(evidence, opts.previous, reused);
  if (opts.kube) attachKubeEvidence(evidence, await opts.kube());
  opts.onProgress?.({ phase: 'detecting', done: 0, total: 1, message: 'running detectors' });
  const detection = runDetectors(evidence, {
    suppressions: opts.suppressions,
    policy: opts.policy,
    detectors: opts.detectors,
  });
  const errors: ScanError[] = [
    ...evidence.errors,
    ...(opts.ruleErrors ?? []).slice(0, 200).map((e) => ({
      call: `rules ${e.file}:${e.line}`.slice(0, 2048),
      code: 'RULE_INVALID',
      message: e.message.slice(0, 2048),
    })),
    ...detection.failures.map((f) => ({
      call: `detector ${f.detector}`,
      code: 'DETECTOR_FAILED',
      message: f.message.slice(0, 2048),
    })),
  ];
  const byContainer = new Map<string, Finding[]>();
  for (const f of detection.findings) {
    if (!f.container) continue;
    const list = byContainer.get(f.container.id) ?? [];
    list.push(f);
    byContainer.set(f.container.id, list);
  }
  const result: ScanResult = {
    engine: {
      id: engine.id,
      name: engine.name,
      endpoint: engine.endpoint,
      serverVersion: engine.serverVersion,
      ...(engine.insecure ? { insecure: engine.insecure } : {}),
    },
    scannedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    containers: evidence.containers
      .map((c) => ({
        id: c.container.id,
        name: c.container.name,
        image: c.container.image,
        state: c.container.state,
        risk: riskScore(byContainer.get(c.container.id) ?? []),
      }))
      .sort((a, b) => b.risk - a.risk || a.name.localeCompare(b.name)),
    findings: detection.findings,
    errors,
    ...(evidence.observation ? { observation: evidence.observation } : {}),
    ...(reused.size
      ? {
          incremental: {
            reused: reused.size,
            collected: evidence.containers.length - reused.size,
          },
        }
      : {}),
  };
  opts.onProgress?.({
    phase: 'done',
    done: 1,
    total: 1,
    message: `${result.containers.length} containers, ${result.findings.length} findings`,
  });
  return {
    result,
    evidence,
    suppressed: detection.suppressed,
    ...(collected.signatures ? { signatures: collected.signatures } : {}),
  };
}

/** Samples kept per container across scans: enough for a baseline, bounded so memory stays flat. */
export const HISTORY_SAMPLES = 12;
/** Older samples say nothing about what the container does now. */
export const HISTORY_MAX_AGE_MS = 6 * 3_600_000;

/**
 * Prepends the socket snapshots and stats samples of the previous scan (same container, same start) to this
 * one's, oldest first, so beaconing and CPU baselines become visible to detectors after repeated scans.
 */
export function carryHistory(
  current: EngineEvidence,
  previous: EngineEvidence,
  skip: ReadonlySet<string> = new Set(),
): void {
  const cutoff = Date.parse(current.collectedAt) - HISTORY_MAX_AGE_MS;
  const before = new Map(previous.containers.map((c) => [c.container.id, c]));
  for (const c of current.containers) {
    if (skip.has(c.container.id)) continue;
    const old = before.get(c.container.id);
    // A restart starts a new life: its earlier sockets and CPU are not this run's history.
    if (!old || old.container.startedAt !== c.container.startedAt) continue;
    // This scan's own samples all stay (an observed scan has many); the history before them is bounded.
    c.sockets = [
      ...keepLast(
        old.sockets.filter((s) => Date.parse(s.collectedAt) >= cutoff),
        HISTORY_SAMPLES - c.sockets.length,
      ),
      ...c.sockets,
    ];
    c.stats = [
      ...keepLast(
        old.stats.filter((s) => Date.parse(s.at) >= cutoff),
        HISTORY_SAMPLES - c.stats.length,
      ),
      ...c.stats,
    ];
  }
}

const keepLast = <T>(xs: T[], n: number): T[] => (n > 0 ? xs.slice(-n) : []);
