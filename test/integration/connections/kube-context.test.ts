import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../../electron/engine/connections/discover.js';
import { EngineRegistry } from '../../../electron/engine/connections/registry.js';
import { EventBus } from '../../../electron/engine/event-bus.js';
import { freePort } from '../../helpers/ports.js';

describe('kubeconfig contexts as engines', () => {
  let server: http.Server;
  let home: string;
  const asked: string[] = [];

  beforeAll(async () => {
    // A loopback HTTP server answering /version as a Kubernetes API server does.
    server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/version')
        return res.end(JSON.stringify({ major: '1', minor: '30', gitVersion: 'v1.30.2', platform: 'linux/amd64' }));
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dead = await freePort();
    home = mkdtempSync(path.join(os.tmpdir(), 'sw-kube-home-'));
    const kc = path.join(home, 'kubeconfig');
    writeFileSync(
      kc,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: lab',
        'clusters:',
        `- name: lab\n  cluster: { server: "http://127.0.0.1:${(server.address() as AddressInfo).port}", insecure-skip-tls-verify: true }`,
        `- name: gone\n  cluster: { server: "http://127.0.0.1:${dead}", insecure-skip-tls-verify: true }`,
        'contexts:',
        '- name: lab\n  context: { cluster: lab, user: u }',
        '- name: gone\n  context: { cluster: gone, user: u }',
        'users:',
        '- name: u\n  user: { token: "t" }',
      ].join('\n'),
    );
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('connects to a reachable context (API server version) and explains an unreachable one', async () => {
    const { engines } = discover({ env: { KUBECONFIG: path.join(home, 'kubeconfig') }, home, platform: 'linux' });
    const reg = new EngineRegistry(new EventBus(), { healthIntervalMs: 0, callTimeoutMs: 3_000 });
    reg.setEngines(engines.filter((e) => e.kind === 'kubernetes'));
    try {
      const lab = await reg.connect('kube:lab');
      expect(lab).toMatchObject({ status: 'connected', serverVersion: 'v1.30.2', os: 'linux/amd64' });
      expect(asked).toContain('/version');
      const gone = await reg.connect('kube:gone');
      expect(gone.status).toBe('failed');
      expect(gone.errorCode).toBe('ENGINE_UNREACHABLE');
      await expect(reg.client('kube:lab')).rejects.toThrow(
        /is a Kubernetes context: file changes, stats and logs need the node's runtime/,
      );
    } finally {
      reg.dispose();
    }
  });
});
