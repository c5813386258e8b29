// A cluster of 5,000 pods and 1,000 workloads, listed and judged through the Kubernetes engine source against the
// fake API server over HTTPS (token auth, pages of 500). The server runs in a child process, as an API server runs
// apart from its clients; on a busy machine it still shares the cores with the scan.
// Run: node --import tsx test/bench/kube-scale.bench.ts   (prints times and the ratio to the 3 s goal)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runKubeScan } from '../../electron/engine/kube/kube-scan.js';
import { runDetectors } from '../../electron/engine/detect/run-detectors.js';
import {
  clusterRoleBinding,
  cronJob,
  daemonSet,
  deployment,
  job,
  namespace,
  networkPolicy,
  pod,
  replicaSet,
  saSubject,
  serviceAccount,
  startFakeKubeApi,
  statefulSet,
  writeKubeconfig,
  type PodSpecInput,
} from '../helpers/fake-kube-api/index.js';

const PODS = 5000;
const GOAL_MS = 3000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NAMESPACES = 50;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const row = (label: string, ms: number, goal?: number) =>
  console.log(
    `${label.padEnd(60)} ${ms.toFixed(0).padStart(6)} ms${goal ? `   ratio to ${goal} ms goal: ${(ms / goal).toFixed(3)}` : ''}`,
  );

/** A mix of ordinary and risky pod specs, so every detector has work. */
function spec(i: number): PodSpecInput {
  const image =
    i % 10 === 0
      ? `busybox:1.${i % 37}`
      : i % 97 === 0
        ? 'docker.io/xmrig/xmrig:6.21.0'
        : `registry.corp.example/app-${i % 40}@sha256:${'c'.repeat(64)}`;
  return {
    serviceAccountName: i % 50 === 0 ? 'ops' : 'default',
    hostNetwork: i % 71 === 0,
    containers: [
      {
        name: 'app',
        image,
        args: ['--port', '8080'],
        securityContext:
          i % 3 ? { allowPrivilegeEscalation: false, runAsNonRoot: true } : i % 89 === 0 ? { privileged: true } : {},
      },
      { name: 'sidecar', image: `registry.corp.example/proxy:1.${i % 9}` },
    ],
    volumes: i % 83 === 0 ? [{ name: 'root', hostPath: { path: '/' } }] : [{ name: 'data', emptyDir: {} }],
  };
}

/** The API server's side: builds the cluster and serves it until the scan side is done. */
async function serve(): Promise<void> {
  const api = await startFakeKubeApi({
    tokens: { bench: { name: 'bench', groups: [] } },
  });
  const t0 = performance.now();
  const objs: Array<Record<string, unknown>> = [];
  for (let n = 0; n < NAMESPACES; n++) {
    objs.push(namespace(`ns-${n}`), serviceAccount(`ns-${n}`, 'ops'));
    if (n % 2) objs.push(networkPolicy(`ns-${n}`, 'deny'));
  }
  objs.push(
    clusterRoleBinding(
      'ops-admin',
      'cluster-admin',
      Array.from({ length: NAMESPACES }, (_, n) => saSubject(`ns-${n}`, 'ops')),
    ),
  );
  api.putMany(objs, { manager: 'kubectl-client-side-apply' });
  // 1,000 workloads: 600 deployments (each with its ReplicaSet), 150 daemonsets, 150 statefulsets, 50 jobs, 50 cronjobs.
  const kinds = [
    ...Array(600).fill('Deployment'),
    ...Array(150).fill('DaemonSet'),
    ...Array(150).fill('StatefulSet'),
    ...Array(50).fill('Job'),
    ...Array(50).fill('CronJob'),
  ] as string[];
  const owners: Array<{
    ns: string;
    kind: string;
    name: string;
    uid: string;
    spec: PodSpecInput;
  }> = [];
  kinds.forEach((kind, i) => {
    const ns = `ns-${i % NAMESPACES}`;
    const name = `${kind.toLowerCase()}-${i}`;
    const s = spec(i);
    const make = {
      Deployment: deployment,
      DaemonSet: daemonSet,
      StatefulSet: statefulSet,
      Job: job,
      CronJob: cronJob,
    }[kind as 'Deployment']!;
    const manager = i % 25 === 0 ? 'kubectl-create' : i % 2 ? 'argocd-controller' : 'helm';
    const w = api.put(make(ns, name, s), { manager });
    let owner = { kind, name, uid: w.metadata.uid! };
    if (kind === 'Deployment') {
      const rs = api.put(replicaSet(ns, `${name}-7d9f`, { name, uid: w.metadata.uid! }, s), {
        manager: 'kube-controller-manager',
      });
      owner = {
        kind: 'ReplicaSet',
        name: `${name}-7d9f`,
        uid: rs.metadata.uid!,
      };
    }
    if (kind !== 'CronJob') owners.push({ ns, ...owner, spec: s });
  });
  const pods: Array<Record<string, unknown>> = [];
  for (let i = 0; i < PODS; i++) {
    const o = owners[i % owners.length]!;
    pods.push(
      pod(
        o.ns,
        `${o.name}-${i}`,
        { ...o.spec, nodeName: `node-${i % 100}` },
        {
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: o.kind,
              name: o.name,
              uid: o.uid,
              controller: true,
            },
          ],
        },
      ),
    );
  }
  api.putMany(pods, { manager: 'kube-controller-manager' });
  row(`fake cluster built (${PODS} pods, ${kinds.length} workloads, ${NAMESPACES} namespaces)`, performance.now() - t0);

  process.send!({ url: api.url, caPem: api.pki.ca.cert });
  process.once('message', () => void api.close().then(() => process.exit(0)));
}

async function scan(): Promise<void> {
  const worker = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx'] });
  const server = await new Promise<{ url: string; caPem: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kube-bench-'));
  try {
    const env = {
      KUBECONFIG: writeKubeconfig(path.join(dir, 'config'), [{ name: 'bench', api: server, user: { token: 'bench' } }]),
    };
    await runKubeScan({ context: 'bench', env }); // warm-up: JIT, TLS session, module loading
    const total: number[] = [];
    const detect: number[] = [];
    // CPU time of the scanning process: on a shared machine wall time also counts the waits for a core.
    const cpu: number[] = [];
    let last: Awaited<ReturnType<typeof runKubeScan>> | undefined;
    for (let r = 0; r < RUNS; r++) {
      const t = performance.now();
      const c = process.cpuUsage();
      last = await runKubeScan({ context: 'bench', env });
      total.push(performance.now() - t);
      const u = process.cpuUsage(c);
      cpu.push((u.user + u.system) / 1000);
      const d = performance.now();
      runDetectors(last.evidence);
      detect.push(performance.now() - d);
    }
    const k = last!.evidence.kube!;
    console.log(
      `inventory: ${k.workloads.filter((w) => w.kind === 'Pod').length} pods, ${k.workloads.length - k.workloads.filter((w) => w.kind === 'Pod').length} controllers (incl. ReplicaSets), ${last!.evidence.artifacts.length} hashed pages; ${last!.result.findings.length} findings; ${last!.result.errors.length} errors`,
    );
    row(`detectors alone (median of ${RUNS})`, median(detect));
    row(`scan process CPU time (median of ${RUNS})`, median(cpu), GOAL_MS);
    row(`list + judge 5,000 pods / 1,000 workloads, wall time (median of ${RUNS})`, median(total), GOAL_MS);
  } finally {
    worker.send('close');
    await new Promise((r) => worker.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--serve')) await serve();
else await scan();
