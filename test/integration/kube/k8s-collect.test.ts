import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../../helpers/cli.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';
import { startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../../helpers/fake-kube-api/index.js';
import { runJobsLocally, type JobRunner } from '../../helpers/fake-kube-api/job-runner.js';
import { schemaErrors } from '../../helpers/kube-schema.js';
import { COLLECT_CLUSTER_ROLE } from '../../../electron/engine/kube/collect/collect-plan.js';
import { readBundle } from '../../../electron/engine/bundle/read-bundle.js';

/**
 * `stowaway k8s collect` end to end: the real CLI against the fake API server, whose Jobs run the real collector
 * on this machine's engine (standing in for each node) and hand the bundle back through the pod log.
 */
const SUITE = 'k8s-collect';
let api: FakeKubeApi;
let dir: string;
let env: NodeJS.ProcessEnv;

const node = (name: string, role: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'node-role.kubernetes.io/role': role, 'kubernetes.io/hostname': name } },
  spec: {},
  status: {},
});

beforeAll(async () => {
  api = await startFakeKubeApi({ tokens: { 'tok-ir': { name: 'ir-analyst', groups: ['incident-response'] } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'stowaway-k8s-collect-'));
  api.put(node('node-a', 'worker'));
  api.put(node('node-b.example', 'worker'));
  api.put(node('cp-1', 'control-plane'));
  const kubeconfig = writeKubeconfig(
    path.join(dir, 'kubeconfig'),
    [{ name: 'prod', api, user: { token: 'tok-ir' } }],
    'prod',
  );
  env = { KUBECONFIG: kubeconfig, STOWAWAY_DATA_DIR: path.join(dir, 'data') };
  await runContainer({
    suite: SUITE,
    name: `${SUITE}-app`,
    cmd: ['sh', '-c', 'cp /bin/busybox /tmp/.cache-x; exec sleep 3600'],
  });
});

afterAll(async () => {
  await api?.close();
  await removeSuite(SUITE);
  rmSync(dir, { recursive: true, force: true });
});

const leftovers = () => ({
  namespaces: api.store
    .list(api.resource('v1', 'Namespace'))
    .filter((n) => String(n.metadata.name).startsWith('stowaway-collect-')),
  jobs: api.store.list(api.resource('batch/v1', 'Job')),
});

let jobRunner: JobRunner | undefined;
function runner(o: { failNodes?: string[]; hangNodes?: string[] } = {}): JobRunner {
  jobRunner ??= runJobsLocally(api, { cli: CLI, env: { STOWAWAY_DATA_DIR: path.join(dir, 'node-data') } });
  jobRunner.runs.length = 0;
  jobRunner.options.failNodes = o.failNodes;
  jobRunner.options.hangNodes = o.hangNodes;
  return jobRunner;
}

describe('stowaway k8s collect', () => {
  it('--dry-run prints a namespace and one Job per selected node, valid against the API schema', async () => {
    const r = await runCli(
      [
        'k8s',
        'collect',
        '--context',
        'prod',
        '--nodes',
        'node-role.kubernetes.io/role=worker',
        '--dry-run',
        '--image',
        'registry.internal/stowaway-collector:1',
      ],
      { env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const docs = loadAll(r.stdout) as Array<Record<string, any>>;
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'Job', 'Job']);
    expect(await schemaErrors(docs[0], 'V1Namespace')).toEqual([]);
    for (const job of docs.slice(1)) {
      expect(await schemaErrors(job, 'V1Job')).toEqual([]);
      expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
      const pod = job.spec.template.spec;
      expect(pod).toMatchObject({ hostPID: true, restartPolicy: 'Never', automountServiceAccountToken: false });
      expect(pod.containers[0].securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(pod.containers[0].image).toBe('registry.internal/stowaway-collector:1');
    }
    expect(
      docs
        .slice(1)
        .map((j) => j.spec.template.spec.nodeName)
        .sort(),
    ).toEqual(['node-a', 'node-b.example']);
    // A schema check that cannot fail proves nothing: a misplaced field must be caught.
    expect(await schemaErrors({ ...docs[1], spec: { ...docs[1]!.spec, hostPID: true } }, 'V1Job')).toEqual([
      'V1Job.spec.hostPID: no such field in V1JobSpec',
    ]);
    expect(leftovers().namespaces).toEqual([]);
  });

  it('collects one verified bundle per node through the pod log and removes every object it made', async () => {
    const jobs = runner();
    const out = path.join(dir, 'out-all');
    api.requests.length = 0;
    const r = await runCli(
      [
        'k8s',
        'collect',
        '--context',
        'prod',
        '--out',
        out,
        '--nodes',
        'node-role.kubernetes.io/role=worker',
        '--since',
        '10m',
        '--image',
        'registry.internal/stowaway-collector:1',
      ],
      { env, timeoutMs: 240_000 },
    );
    await jobs.settled();
    expect(r.stderr).toMatch(/Collected 2 of 2 nodes/);
    expect(r.code).toBe(0);
    // Each Job ran exactly the collector command its manifest names.
    expect(jobs.runs.map((x) => x.args)).toEqual([
      expect.arrayContaining(['collect', '--out', '-']),
      expect.arrayContaining(['collect', '--out', '-']),
    ]);
    const summary = JSON.parse(readFileSync(path.join(out, 'collection.json'), 'utf8'));
    expect(summary.nodes).toHaveLength(2);
    for (const n of summary.nodes) {
      expect(n.status).toBe('collected');
      const bytes = readFileSync(path.join(out, n.file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(n.sha256);
      const bundle = await readBundle(path.join(out, n.file));
      expect(bundle.result.containers.some((c) => c.name === `${SUITE}-app`)).toBe(true);
    }
    expect(existsSync(path.join(out, 'node-b.example.tar.gz'))).toBe(true);
    // Each bundle names its node, and the directory opens as one read-only case with one scan per node.
    const engines = await Promise.all(
      summary.nodes.map(async (n: { file: string }) => (await readBundle(path.join(out, n.file))).result.engine),
    );
    expect(engines.map((e) => [e.id, e.name]).sort()).toEqual([
      ['node:node-a', 'node-a'],
      ['node:node-b.example', 'node-b.example'],
    ]);
    const imported = await runCli(['case', 'import', out], { env, timeoutMs: 120_000 });
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/as read-only case collection out-all \(2 nodes\)/);
    const caseId = /\(([0-9a-f-]{36})\)/.exec(imported.stdout)![1]!;
    const verified = await runCli(['case', 'verify', caseId], { env });
    expect(verified.code).toBe(0);
    expect(leftovers()).toEqual({ namespaces: [], jobs: [] });
    // Everything the run asked of the API server is within the ClusterRole the README publishes.
    for (const q of api.requests.filter((x) => x.verb)) {
      const allowed = COLLECT_CLUSTER_ROLE.rules.some(
        (rule) => rule.resources.includes(q.resource!) && rule.verbs.includes(q.verb!),
      );
      expect(allowed, `${q.verb} ${q.resource}`).toBe(true);
    }
  }, 300_000);

  it('reports a node whose collector failed, keeps the others, and still cleans up', async () => {
    const jobs = runner({ failNodes: ['node-b.example'] });
    const out = path.join(dir, 'out-partial');
    const r = await runCli(
      [
        'k8s',
        'collect',
        '--context',
        'prod',
        '--out',
        out,
        '--nodes',
        'node-role.kubernetes.io/role=worker',
        '--since',
        '10m',
      ],
      { env, timeoutMs: 240_000 },
    );
    await jobs.settled();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/node-b\.example: failed: the collector failed: .*permission denied/);
    expect(r.stderr).toMatch(/Collected 1 of 2 nodes/);
    expect(leftovers()).toEqual({ namespaces: [], jobs: [] });
  }, 300_000);

  it('names the verb and resource RBAC refused, and leaves nothing behind', async () => {
    api.forbid({ verb: 'create', resource: 'jobs' });
    try {
      const r = await runCli(['k8s', 'collect', '--context', 'prod', '--out', path.join(dir, 'out-403')], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/refused to create jobs \(RBAC 403\)/);
      expect(leftovers()).toEqual({ namespaces: [], jobs: [] });
    } finally {
      api.allow();
    }
  });

  it('on Ctrl-C removes the jobs and the namespace before it exits', async () => {
    runner({ hangNodes: ['node-a', 'node-b.example', 'cp-1'] });
    const child = spawn(
      process.execPath,
      [CLI, 'k8s', 'collect', '--context', 'prod', '--out', path.join(dir, 'out-int')],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 30_000;
    while (leftovers().jobs.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(leftovers().jobs).toHaveLength(3);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).toMatch(/removing the collection jobs and namespace/);
    expect(code).toBe(130);
    expect(leftovers()).toEqual({ namespaces: [], jobs: [] });
  }, 60_000);
});
