import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineConfig } from '@shared/domain/engine.js';
import type { EngineDraft } from '@shared/api/engines.js';
import { EngineRegistry } from '../../../electron/engine/connections/registry.js';
import { EngineService } from '../../../electron/engine/connections/engine-service.js';
import { EventBus } from '../../../electron/engine/event-bus.js';
import { contextDirName } from '../../../electron/engine/connections/docker-contexts.js';
import { discover } from '../../../electron/engine/connections/discover.js';
import { resolveTarget } from '../../../electron/engine/connections/resolve-target.js';
import { ScanService } from '../../../electron/engine/scan/scan-service.js';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { buildCaseExport } from '../../../electron/engine/reports/case-export.js';
import { renderHtml } from '../../../electron/engine/reports/html-report.js';
import { renderMarkdown } from '../../../electron/engine/reports/markdown-report.js';
import { disposableDockerd, type Dockerd } from '../../helpers/dockerd.js';

/**
 * A real dockerd behind a TLS listener on 127.0.0.1 whose certificate is self-signed (made by openssl here):
 * what an interceptor on the path looks like to a client that skips verification.
 */
async function selfSignedFront(socket: string, dir: string): Promise<{ port: number; close(): Promise<void> }> {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'k.pem',
      '-out',
      'c.pem',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const conns = new Set<net.Socket>();
  const server = tls.createServer(
    { key: readFileSync(path.join(dir, 'k.pem')), cert: readFileSync(path.join(dir, 'c.pem')) },
    (client) => {
      const up = net.connect(socket);
      conns.add(client).add(up);
      client.pipe(up).pipe(client);
      const end = () => (client.destroy(), up.destroy());
      client.on('error', end).on('close', end);
      up.on('error', end).on('close', end);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => (conns.forEach((c) => c.destroy()), server.close(() => r()))),
  };
}

describe('TLS without certificate verification is an insecure transport', () => {
  let dockerd: Dockerd;
  let front: Awaited<ReturnType<typeof selfSignedFront>>;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-tls-unverified-'));
  const home = path.join(dir, 'home');
  const dataDir = path.join(dir, 'data');
  const registry = new EngineRegistry(new EventBus(), {
    healthIntervalMs: 0,
    env: {},
    home,
    trustedKnownHosts: path.join(dir, 'kh'),
  });
  const service = new EngineService(registry, { env: {}, home, dataDir });
  const draft = (allowInsecure: boolean): EngineDraft => ({
    name: 'self-signed',
    endpoint: { type: 'tcp', host: '127.0.0.1', port: front.port, allowInsecure, tls: { verify: false } },
  });

  beforeAll(async () => {
    mkdirSync(dataDir, { recursive: true });
    dockerd = disposableDockerd();
    await dockerd.start();
    front = await selfSignedFront(dockerd.socket, dir);
    // A docker context such as `docker context create --docker host=tcp://...,skip-tls-verify=true` writes.
    const meta = path.join(home, '.docker/contexts/meta', contextDirName('skip-verify'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      path.join(meta, 'meta.json'),
      JSON.stringify({
        Name: 'skip-verify',
        Metadata: {},
        Endpoints: { docker: { Host: `tcp://127.0.0.1:${front.port}`, SkipTLSVerify: true } },
      }),
    );
  });
  afterAll(async () => {
    registry.dispose();
    await front?.close();
    await dockerd?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the endpoint really is self-signed: verifying it fails', async () => {
    const r = await service.test({
      name: 'verified',
      endpoint: { type: 'tcp', host: '127.0.0.1', port: front.port, allowInsecure: false, tls: { verify: true } },
    });
    expect(r).toMatchObject({ ok: false, errorCode: 'TLS_VERIFY_FAILED' });
  });

  it('engines.test and engines.add refuse verify:false without the explicit opt-in', async () => {
    // Before connecting at all, as for plain tcp: the op answers with the error.
    await expect(service.test(draft(false))).rejects.toMatchObject({
      code: 'INSECURE_NOT_ALLOWED',
      message: expect.stringMatching(/without verifying the server certificate/),
    });
    expect(() => service.add(draft(false))).toThrow(expect.objectContaining({ code: 'INSECURE_NOT_ALLOWED' }));
    expect(service.saved.list()).toEqual([]);
  });

  it('with the opt-in it connects and the engine view says it is insecure', async () => {
    const r = await service.test(draft(true));
    expect(r.ok, r.message).toBe(true);
    const view = service.add(draft(true));
    expect(view.insecure).toBe('tls-unverified');
    expect((await registry.connect(view.id)).status).toBe('connected');
    expect(registry.list().find((e) => e.id === view.id)?.insecure).toBe('tls-unverified');
  });

  it('a docker context with SkipTLSVerify is refused until --allow-insecure', async () => {
    const ctx = discover({ env: {}, home, dataDir }).engines.find((e) => e.name === 'skip-verify')!;
    expect(ctx.endpoint).toMatchObject({ type: 'tcp', tls: { verify: false }, allowInsecure: false });
    registry.add(ctx);
    const st = await registry.connect(ctx.id);
    expect(st).toMatchObject({ status: 'failed', errorCode: 'INSECURE_NOT_ALLOWED' });
    await expect(registry.client(ctx.id)).rejects.toMatchObject({ code: 'INSECURE_NOT_ALLOWED' });

    const allowed = await resolveTarget({ context: 'skip-verify', env: {}, home, allowInsecure: true });
    expect(allowed.endpoint).toMatchObject({ allowInsecure: true, tls: { verify: false } });
    registry.add(allowed);
    expect((await registry.connect(allowed.id)).status).toBe('connected');
  });

  it('a scan over it marks the result, the evidence and the case report insecure', async () => {
    const target: EngineConfig = {
      ...(await resolveTarget({ context: 'skip-verify', env: {}, home, allowInsecure: true })),
      id: 'scan-target',
    };
    registry.add(target);
    const scans = new ScanService(registry, new EventBus(), { concurrency: 2 });
    const { result, evidence } = await scans.run(target.id);
    expect(result.engine.insecure).toBe('tls-unverified');
    expect(evidence.engine.insecure).toBe('tls-unverified');

    const cases = new CaseService(dataDir, 'alice');
    try {
      const c = cases.create('over unverified tls');
      cases.addScan(c.id, result, evidence);
      const data = buildCaseExport(cases, c.id, []);
      expect(data.engines).toEqual([expect.objectContaining({ id: 'scan-target', insecure: 'tls-unverified' })]);
      expect(renderHtml(data)).toMatch(
        /<td class="insecure" data-insecure>INSECURE: TLS without verifying the server certificate/,
      );
      expect(renderMarkdown(data)).toContain('INSECURE: TLS without verifying the server certificate');
    } finally {
      cases.dispose();
    }
  });
});
