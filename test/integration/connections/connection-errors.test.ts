import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineConfig } from '@shared/domain/engine.js';
import { EngineRegistry, type RegistryOptions } from '../../../electron/engine/connections/registry.js';
import { EventBus } from '../../../electron/engine/event-bus.js';
import { makeCerts, type Certs } from '../../helpers/certs.js';
import { startSshd, type Sshd } from '../../helpers/sshd.js';
import { startTlsProxy } from '../../helpers/tls-proxy.js';
import { waitForListener } from '../../helpers/ports.js';

const engine = (endpoint: EngineConfig['endpoint'], extra: Partial<EngineConfig> = {}): EngineConfig => ({
  id: 'e',
  name: 'target',
  kind: 'docker',
  source: 'cli',
  endpoint,
  current: false,
  ...extra,
});

/** Connects once and returns the failure state (code and message) the analyst would see. */
async function failure(config: EngineConfig, opts: RegistryOptions = {}) {
  const reg = new EngineRegistry(new EventBus(), {
    healthIntervalMs: 0,
    sshHealthIntervalMs: 0,
    callTimeoutMs: 5_000,
    ...opts,
  });
  reg.add(config);
  try {
    const st = await reg.connect('e');
    expect(st.status).toBe('failed');
    return { code: st.errorCode, reason: st.reason ?? '' };
  } finally {
    reg.dispose();
  }
}

describe('clear errors for every way a connection fails', () => {
  let tmp: string;
  let sshd: Sshd;
  let certs: Certs;
  let proxy: Awaited<ReturnType<typeof startTlsProxy>>;
  const closers: Array<() => unknown> = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'sw-engerr-'));
    certs = makeCerts();
    sshd = await startSshd();
    proxy = await startTlsProxy({ ca: path.join(certs.dir, 'ca.pem'), cert: certs.serverCert, key: certs.serverKey });
  });
  afterAll(async () => {
    const step = async (name: string, p: Promise<unknown>) => {
      const t = Date.now();
      await p;
      if (Date.now() - t > 2000) console.warn(`slow cleanup: ${name}`);
    };
    for (const c of closers) await step('closer', Promise.resolve(c()));
    await step('sshd', sshd?.stop() ?? Promise.resolve());
    await step('proxy', proxy?.close() ?? Promise.resolve());
  });

  it('socket missing', async () => {
    const f = await failure(engine({ type: 'unix', socketPath: path.join(tmp, 'none.sock') }));
    expect(f.code).toBe('SOCKET_MISSING');
    expect(f.reason).toContain(`does not exist (${path.join(tmp, 'none.sock')})`);
    expect(f.reason).toContain('Is dockerd running?');
  });

  it('a socket file with no listener', async () => {
    const sock = path.join(tmp, 'stale.sock');
    // A process that dies by SIGKILL leaves its socket file behind, exactly like a crashed dockerd.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)})`]);
    await waitForListener({ path: sock });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const f = await failure(engine({ type: 'unix', socketPath: sock }));
    expect(f.code).toBe('ENGINE_UNREACHABLE');
    expect(f.reason).toMatch(/refused the connection .*Nothing is listening/);
  });

  it('an engine that accepts but never answers times out', async () => {
    const sock = path.join(tmp, 'silent.sock');
    const held = new Set<net.Socket>();
    const server = net.createServer((c) => held.add(c));
    await new Promise<void>((r) => server.listen(sock, r));
    closers.push(
      () =>
        new Promise((r) => {
          for (const c of held) c.destroy();
          server.close(r);
        }),
    );
    const t0 = Date.now();
    const f = await failure(engine({ type: 'unix', socketPath: sock }), { callTimeoutMs: 700 });
    expect(f.code).toBe('ENGINE_TIMEOUT');
    expect(f.reason).toMatch(/did not answer within 0\.7 s \(engine not responding\)/);
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it('wrong API version: a too-new version pinned on the client', async () => {
    const f = await failure(engine({ type: 'unix', socketPath: '/var/run/docker.sock' }, { apiVersion: '1.99' }));
    expect(f.code).toBe('API_VERSION');
    expect(f.reason).toMatch(/API version mismatch .*client version 1\.99 is too new/);
  });

  it('wrong API version: an engine too old for Stowaway', async () => {
    const sock = path.join(tmp, 'old.sock');
    const server = http.createServer((req, res) => {
      if (req.url?.endsWith('/_ping')) return res.end('OK');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ Version: '1.0.1', ApiVersion: '1.12', Os: 'linux' }));
    });
    await new Promise<void>((r) => server.listen(sock, r));
    closers.push(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(r);
        }),
    );
    const f = await failure(engine({ type: 'unix', socketPath: sock }));
    expect(f.code).toBe('API_VERSION');
    expect(f.reason).toContain('speaks Engine API 1.12; Stowaway needs API 1.30');
  });

  it('plain tcp without TLS is refused unless allowed', async () => {
    const f = await failure(engine({ type: 'tcp', host: '127.0.0.1', port: 2375, allowInsecure: false }));
    expect(f.code).toBe('INSECURE_NOT_ALLOWED');
    expect(f.reason).toContain('pass --allow-insecure');
  });

  const sshTarget = (extra: Partial<Extract<EngineConfig['endpoint'], { type: 'ssh' }>> = {}) =>
    engine({ type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root', ...extra });

  it('ssh: a key the server does not accept', async () => {
    const wrong = path.join(tmp, 'wrong_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrong]);
    const f = await failure(sshTarget({ identityFile: wrong }), { env: {}, home: sshd.home });
    expect(f.code).toBe('SSH_AUTH_FAILED');
    expect(f.reason).toContain('no key was accepted');
  });

  it('ssh: an unknown host key shows its fingerprint', async () => {
    const empty = path.join(tmp, 'known_hosts_empty');
    writeFileSync(empty, '');
    const f = await failure(sshTarget({ knownHostsPath: empty }), { env: {}, home: sshd.home });
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(sshd.dir, 'host_key.pub')])
      .toString()
      .split(' ')[1]!;
    expect(f.code).toBe('SSH_UNKNOWN_HOST_KEY');
    expect(f.reason).toContain(`[127.0.0.1]:${sshd.port} is not in known_hosts: ssh-ed25519 ${expected}`);
  });

  it('ssh: a changed host key is a mismatch, never a silent accept', async () => {
    const other = path.join(tmp, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const kh = path.join(tmp, 'known_hosts_changed');
    const pub = execFileSync('cat', [`${other}.pub`])
      .toString()
      .split(' ')
      .slice(0, 2)
      .join(' ');
    writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${pub}\n`);
    const f = await failure(sshTarget({ knownHostsPath: kh }), { env: {}, home: sshd.home });
    expect(f.code).toBe('SSH_HOST_KEY_MISMATCH');
    expect(f.reason).toMatch(
      /does not match the key recorded in .*known_hosts_changed line 1 \(recorded SHA256:[A-Za-z0-9+/]{43}\)\. Someone may be intercepting/,
    );
  });

  const tlsTarget = (tls: { caPath?: string; certPath?: string; keyPath?: string }) =>
    engine({ type: 'tcp', host: '127.0.0.1', port: proxy.port, allowInsecure: false, tls: { verify: true, ...tls } });

  it('TLS: missing CA, and a CA that did not sign the server', async () => {
    const noCa = await failure(
      tlsTarget({ certPath: path.join(certs.dir, 'cert.pem'), keyPath: path.join(certs.dir, 'key.pem') }),
    );
    expect(noCa.code).toBe('TLS_VERIFY_FAILED');
    // Node names the failure after what the server sent: its leaf alone, or the chain up to the CA.
    expect(noCa.reason).toMatch(
      /TLS verification of .* failed: (unable to verify the first certificate|self-signed certificate in certificate chain)/,
    );
    const wrongCa = await failure(
      tlsTarget({
        caPath: certs.otherCa,
        certPath: path.join(certs.dir, 'cert.pem'),
        keyPath: path.join(certs.dir, 'key.pem'),
      }),
    );
    expect(wrongCa.code).toBe('TLS_VERIFY_FAILED');
    const unreadable = await failure(tlsTarget({ caPath: path.join(tmp, 'no-ca.pem') }));
    expect(unreadable.code).toBe('TLS_VERIFY_FAILED');
    expect(unreadable.reason).toContain('no-ca.pem cannot be read');
  });

  it('TLS: client certificate missing is rejected by the server', async () => {
    const f = await failure(tlsTarget({ caPath: path.join(certs.dir, 'ca.pem') }));
    expect(f.code).toBe('TLS_CLIENT_CERT_REJECTED');
    expect(f.reason).toContain('rejected the TLS client certificate');
  });
});
