import { spawn } from 'node:child_process';
import type { FakeKubeApi } from './server.js';

/**
 * Plays kubelet for collection Jobs created on the fake API server: each Job's container args run through the
 * real, built Stowaway CLI on this machine (whose engine stands in for the node's), the output becomes the pod's
 * log, and the Job's status says how it ended. What reaches the cluster client is exactly what a node would give.
 */

export interface JobRunnerOptions {
  cli: string;
  env?: NodeJS.ProcessEnv;
  /** Nodes whose Job fails (the collector exits non-zero) instead of running. */
  failNodes?: string[];
  /** Nodes whose Job never finishes. */
  hangNodes?: string[];
}

export interface JobRunner {
  /** What the runner does with the next Jobs; a test changes it between runs (routes stay registered). */
  readonly options: JobRunnerOptions;
  /** Containers' args as each Job asked for them. */
  readonly runs: Array<{ job: string; node: string; args: string[] }>;
  /** Resolves when every Job started so far has ended. */
  settled(): Promise<void>;
}

type Obj = Record<string, any>;

export function runJobsLocally(api: FakeKubeApi, o: JobRunnerOptions): JobRunner {
  const runs: JobRunner['runs'] = [];
  const pending: Promise<void>[] = [];
  const logs = new Map<string, string>();

  api.route('create', 'jobs', async (ctx) => {
    const body = (await ctx.body()) as Obj;
    const ns = ctx.path.namespace!;
    const created = api.put({ ...body, metadata: { ...body.metadata, namespace: ns } }, { manager: 'stowaway' });
    ctx.send(201, created);
    const spec = body.spec.template.spec;
    const node: string = spec.nodeName;
    // As kubelet does: $(VAR) in args takes the container's env, including downward-API fields.
    const vars = new Map<string, string>();
    for (const e of spec.containers[0].env ?? [])
      vars.set(e.name, e.value ?? (e.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName' ? spec.nodeName : ''));
    const args: string[] = spec.containers[0].args.map((a: string) =>
      a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m: string, v: string) => vars.get(v) ?? m),
    );
    const name: string = body.metadata.name;
    runs.push({ job: name, node, args });
    pending.push(execute(ns, name, node, args, body));
  });

  api.route('get', 'pods/log', (ctx) => {
    const log = logs.get(`${ctx.path.namespace}/${ctx.path.name}`);
    if (log === undefined) return false;
    ctx.res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    ctx.res.end(log);
  });

  async function execute(ns: string, job: string, node: string, args: string[], body: Obj): Promise<void> {
    if (o.hangNodes?.includes(node)) return;
    const fail = o.failNodes?.includes(node);
    const { code, output } = fail
      ? {
          code: 1,
          output: 'stowaway collect: engine at unix:///var/run/docker.sock: permission denied [PERMISSION_DENIED]\n',
        }
      : await runCli(o.cli, args, o.env);
    const podName = `${job}-${Math.random().toString(36).slice(2, 7)}`;
    logs.set(`${ns}/${podName}`, output);
    const labels = { ...body.spec.template.metadata.labels, 'batch.kubernetes.io/job-name': job, 'job-name': job };
    const phase = code === 0 ? 'Succeeded' : 'Failed';
    api.put(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: podName, namespace: ns, labels },
        spec: { ...body.spec.template.spec },
        status: { phase },
      },
      { manager: 'kubelet' },
    );
    const current = api.store.get(api.resource('batch/v1', 'Job'), ns, job);
    if (!current) return;
    const now = new Date().toISOString();
    const status =
      code === 0
        ? {
            succeeded: 1,
            startTime: now,
            completionTime: now,
            conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: now }],
          }
        : {
            failed: 1,
            startTime: now,
            conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', lastTransitionTime: now }],
          };
    api.put({ ...current, status }, { manager: 'kube-controller-manager' });
  }

  return { options: o, runs, settled: async () => void (await Promise.all(pending)) };
}

function runCli(cli: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    // The pod log interleaves both streams, as the container runtime writes them.
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}
