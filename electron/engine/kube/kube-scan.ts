import type { ContainerState } from '@shared/domain/container.js';
import type { EngineEvidence, KubePodList } from '@shared/domain/evidence-set.js';
import type { Finding } from '@shared/domain/finding.js';
import type { ClusterEvidence } from '@shared/domain/kube-evidence.js';
import type { ScanError, ScanProgress, ScanResult } from '@shared/domain/scan.js';
import { riskScore, runDetectors, type Suppression } from '../detect/run-detectors.js';
import type { DetectPolicyInput } from '../detect/policy.js';
import { toAppError } from '../errors.js';
import type { ScanOutcome } from '../scan/run-scan.js';
import { readCluster } from './cluster-read.js';
import { loadKubeConfig, type LoadKubeOptions } from './kube-config.js';
import { kubeHttp } from './kube-http.js';
import { attachKubeEvidence, type KubeEvidenceSource } from './kube-evidence.js';
import { workloadTree } from './workload-tree.js';
import { kubeContainerId } from './kube-containers.js';

/**
 * The Kubernetes engine source: a kubeconfig context scanned as an engine. It reads the cluster's inventory
 * through the API server, joins the audit logs the analyst brings, runs the same detectors and returns the same
 * ScanOutcome a Docker engine scan does, so callers (CLI, UI, a scan over several engines) treat both alike.
 * Each pod container is a row of the result's containers, scored by the findings about it and its controller.
 */

export interface KubeScanOptions extends LoadKubeOptions {
  /** kubeconfig context name, or `in-cluster` for the pod's service account. */
  context: string;
  /** The engine identity findings are recorded under. Defaults to `kube:<context>`. */
  engine?: Partial<EngineEvidence['engine']>;
  namespaces?: string[];
  /** Audit logs (prepared from --kube-audit files). */
  audit?: KubeEvidenceSource;
  suppressions?: Suppression[];
  policy?: DetectPolicyInput;
  timeoutMs?: number;
  maxPerResource?: number;
  onProgress?: (p: Omit<ScanProgress, 'scanId'>) => void;
}

export async function runKubeScan(opts: KubeScanOptions): Promise<ScanOutcome> {
  const started = Date.now();
  const kc = await loadKubeConfig(opts.context, opts);
  const engine: EngineEvidence['engine'] = {
    id: `kube:${opts.context}`.slice(0, 128),
    name: opts.context,
    endpoint: kc.getCurrentCluster()?.server ?? '',
    local: false,
    ...opts.engine,
  };
  const evidence: EngineEvidence = {
    engine,
    collectedAt: new Date(started).toISOString(),
    containers: [],
    images: [],
    events: [],
    execs: [],
    kubeAudit: [],
    errors: [],
    artifacts: [],
  };
  opts.onProgress?.({ phase: 'listing', done: 0, total: 1, message: `reading cluster ${opts.context}` });
  const api = await kubeHttp(kc, { timeoutMs: opts.timeoutMs });
  try {
    let serverVersion: string | undefined;
    try {
      const v = (await api.get('/version')).json as { gitVersion?: unknown };
      serverVersion = typeof v.gitVersion === 'string' ? v.gitVersion.slice(0, 64) : undefined;
    } catch (e) {
      const err = toAppError(e, `Kubernetes context "${opts.context}"`);
      // Nothing else will answer either when the server is unreachable: that fails the scan, as for a Docker engine.
      if (err.code === 'ENGINE_UNREACHABLE' || err.code === 'ENGINE_TIMEOUT') throw err;
      evidence.errors.push({
        call: `kube get /version (context ${opts.context})`.slice(0, 512),
        code: err.code,
        message: err.message.slice(0, 2048),
      });
    }
    engine.serverVersion = serverVersion;
    const read = await readCluster(api, {
      namespaces: opts.namespaces,
      serverVersion,
      maxPerResource: opts.maxPerResource,
      onProgress: (done, total, message) => opts.onProgress?.({ phase: 'collecting', done, total, message }),
    });
    evidence.kube = read.cluster;
    evidence.kubePods = podList(read.cluster);
    evidence.artifacts.push(...read.artifacts);
    evidence.errors.push(...read.errors);
  } finally {
    api.close();
  }
  if (opts.audit) attachKubeEvidence(evidence, await opts.audit());
  opts.onProgress?.({ phase: 'detecting', done: 0, total: 1, message: 'running detectors' });
  const detection = runDetectors(evidence, { suppressions: opts.suppressions, policy: opts.policy });
  nameContainers(detection.findings, evidence.kube);
  const errors: ScanError[] = [
    ...evidence.errors,
    ...detection.failures.map((f) => ({
      call: `detector ${f.detector}`,
      code: 'DETECTOR_FAILED',
      message: f.message.slice(0, 2048),
    })),
  ];
  const result: ScanResult = {
    engine: { id: engine.id, name: engine.name, endpoint: engine.endpoint, serverVersion: engine.serverVersion },
    scannedAt: evidence.collectedAt,
    durationMs: Date.now() - started,
    containers: podContainers(evidence.kube, detection.findings),
    findings: detection.findings,
    errors,
  };
  opts.onProgress?.({
    phase: 'done',
    done: 1,
    total: 1,
    message: `${result.containers.length} containers, ${result.findings.length} findings`,
  });
  return { result, evidence, suppressed: detection.suppressed };
}

/** The pods as the runtime cross-view knows them, so a node engine scanned later can be joined with this one. */
function podList(c: ClusterEvidence): KubePodList {
  const pods = c.workloads.filter((w) => w.kind === 'Pod').slice(0, 100_000);
  return {
    context: c.context,
    listedAt: c.listedAt,
    pods: pods.map((p) => ({
      uid: p.uid,
      name: p.name,
      namespace: p.namespace,
      nodeName: p.nodeName,
      phase: p.phase,
      containers: (p.containerStatuses ?? []).map((s) => ({
        name: s.name,
        ...(s.containerID ? { containerID: s.containerID } : {}),
      })),
    })),
    truncated: c.truncated.some((t) => t.startsWith('pods')),
  };
}

const STATE: Record<string, ContainerState> = { running: 'running', terminated: 'exited', waiting: 'created' };

/** One row per container of every pod, scored by the findings on the pod, its controller, or that container. */
function podContainers(c: ClusterEvidence | undefined, findings: Finding[]): ScanResult['containers'] {
  if (!c) return [];
  const tree = workloadTree(c.workloads);
  const byWorkload = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.workload) continue;
    const k = `${f.workload.kind}/${f.workload.namespace}/${f.workload.name}`;
    const list = byWorkload.get(k) ?? [];
    list.push(f);
    byWorkload.set(k, list);
  }
  const rows: ScanResult['containers'] = [];
  for (const p of c.workloads) {
    if (p.kind !== 'Pod') continue;
    const root = tree.rootOf(p);
    const about = [
      ...(byWorkload.get(`Pod/${p.namespace}/${p.name}`) ?? []),
      ...(root !== p ? (byWorkload.get(`${root.kind}/${root.namespace}/${root.name}`) ?? []) : []),
    ];
    for (const ct of p.template.containers) {
      const status = p.containerStatuses?.find((s) => s.name === ct.name);
      const id = kubeContainerId(p.uid, ct.name);
      rows.push({
        id,
        name: `${p.namespace}/${p.name}/${ct.name}`,
        image: ct.image,
        state: (status?.state && STATE[status.state]) || 'unknown',
        risk: riskScore(about.filter((f) => !f.workload?.container || f.workload.container === ct.name)),
      });
    }
  }
  return rows.sort((a, b) => b.risk - a.risk || a.name.localeCompare(b.name));
}

/** A finding about one pod container carries that container's id, as containers.list gives it, so views filter by it. */
function nameContainers(findings: Finding[], c: ClusterEvidence | undefined): void {
  if (!c) return;
  const pods = new Map(c.workloads.filter((w) => w.kind === 'Pod').map((p) => [`${p.namespace}/${p.name}`, p]));
  for (const f of findings) {
    const w = f.workload;
    // Detectors name a cluster subject by its path (`kube:Pod/ns/name`); a node engine's container id (shadow pods) stays.
    if ((f.container && /^[0-9a-f]{12,64}$/.test(f.container.id)) || w?.kind !== 'Pod') continue;
    const p = pods.get(`${w.namespace}/${w.name}`);
    // A finding about the whole pod is about its container when it has only one.
    const ct = w.container ?? (p?.template.containers.length === 1 ? p.template.containers[0]!.name : undefined);
    if (p && ct && p.template.containers.some((x) => x.name === ct))
      f.container = { id: kubeContainerId(p.uid, ct), name: f.container?.name ?? `pod/${w.namespace}/${w.name}/${ct}` };
  }
}
