import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/engine/app.js';
import { runCli } from '../../helpers/cli.js';
import { startSshd, type Sshd } from '../../helpers/sshd.js';

const fingerprintOf = (pubFile: string) =>
  execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubFile]).toString().split(' ')[1]!;

describe('trusting an unknown ssh host key after the analyst verified it', () => {
  let sshd: Sshd;
  let app: ReturnType<typeof createApp>;
  let dataDir: string;
  let home: string;
  let fp: string;
  const ctx = { transport: 'http' as const, user: 'analyst' };
  const call = (op: string, input: unknown) => app.dispatch(op, input, ctx);

  beforeAll(async () => {
    sshd = await startSshd();
    fp = fingerprintOf(path.join(sshd.dir, 'host_key.pub'));
    // A HOME whose known_hosts does not exist: the server's key is unknown everywhere.
    home = mkdtempSync(path.join(os.tmpdir(), 'sw-trust-home-'));
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-trust-data-'));
    app = createApp({ env: { PATH: process.env.PATH }, home, dataDir });
  });
  afterAll(async () => {
    await app?.dispose();
    await sshd?.stop();
  });

  it('refuses the unknown key with its fingerprint, then trusts it only with confirmation and the right fingerprint', async () => {
    const added = await call('engines.add', {
      name: 'lab',
      endpoint: {
        type: 'ssh',
        host: '127.0.0.1',
        port: sshd.port,
        identityFile: path.join(sshd.home, '.ssh/id_ed25519'),
      },
    });
    expect(added.ok).toBe(true);
    const id = (added as { value: { id: string } }).value.id;
    const refused = await call('engines.connect', { engineId: id });
    expect(refused).toMatchObject({
      ok: true,
      value: {
        status: 'failed',
        errorCode: 'SSH_UNKNOWN_HOST_KEY',
        hostKey: { host: `[127.0.0.1]:${sshd.port}`, port: sshd.port, keyType: 'ssh-ed25519', fingerprint: fp },
      },
    });

    const file = path.join(dataDir, 'known_hosts');
    expect(await call('engines.trustHostKey', { engineId: id, fingerprint: fp })).toMatchObject({
      ok: false,
      error: { code: 'CONFIRMATION_REQUIRED' },
    });
    // A fingerprint other than the presented one is refused and nothing is written.
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const bad = await call('engines.trustHostKey', { engineId: id, fingerprint: wrong, confirm: true });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'SSH_HOST_KEY_MISMATCH',
        message: expect.stringContaining(
          `presents the ssh-ed25519 key ${fp}, not the fingerprint you verified (${wrong})`,
        ),
      },
    });
    expect(existsSync(file)).toBe(false);

    const ok = await call('engines.trustHostKey', { engineId: id, fingerprint: fp, confirm: true });
    expect(ok).toMatchObject({ ok: true, value: { added: true, file, fingerprint: fp, keyType: 'ssh-ed25519' } });
    expect(readFileSync(file, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPub}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The line written is the one ssh-keygen itself finds for this host.
    expect(execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', file]).toString()).toContain(
      sshd.hostPub,
    );

    expect(await call('engines.reconnect', { engineId: id })).toMatchObject({
      ok: true,
      value: { status: 'connected' },
    });
    // Trusting again adds nothing.
    expect(
      await call('engines.trustHostKey', {
        endpoint: { host: '127.0.0.1', port: sshd.port },
        fingerprint: fp,
        confirm: true,
      }),
    ).toMatchObject({ ok: true, value: { added: false } });
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('never replaces a changed key: both fingerprints are shown and the file is left alone', async () => {
    const other = path.join(home, 'other_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const kh = path.join(home, 'known_hosts_changed');
    writeFileSync(
      kh,
      `[127.0.0.1]:${sshd.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`,
    );
    // A data directory that trusts nothing yet: a key trusted in Stowaway would vouch for the host, as any matching known_hosts line does in OpenSSH.
    const data2 = mkdtempSync(path.join(os.tmpdir(), 'sw-trust-data2-'));
    const app2 = createApp({ env: { PATH: process.env.PATH }, home, dataDir: data2 });
    const call = (op: string, input: unknown) => app2.dispatch(op, input, ctx);
    const r = await call('engines.trustHostKey', {
      endpoint: { host: '127.0.0.1', port: sshd.port, knownHostsPath: kh },
      fingerprint: fp,
      confirm: true,
    });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'SSH_HOST_KEY_MISMATCH',
        message: expect.stringContaining(
          `already records another ssh-ed25519 key for [127.0.0.1]:${sshd.port}: ${fingerprintOf(`${other}.pub`)}, and the host now presents ${fp}`,
        ),
      },
    });
    expect(existsSync(path.join(data2, 'known_hosts'))).toBe(false);

    // Connecting with that file fails as a mismatch and the state carries both fingerprints for the UI.
    const added = await call('engines.add', {
      name: 'changed',
      endpoint: {
        type: 'ssh',
        host: '127.0.0.1',
        port: sshd.port,
        knownHostsPath: kh,
        identityFile: path.join(sshd.home, '.ssh/id_ed25519'),
      },
    });
    const id = (added as { value: { id: string } }).value.id;
    const st = await call('engines.connect', { engineId: id });
    expect(st).toMatchObject({
      ok: true,
      value: {
        status: 'failed',
        errorCode: 'SSH_HOST_KEY_MISMATCH',
        hostKey: { fingerprint: fp, recordedFingerprint: fingerprintOf(`${other}.pub`) },
      },
    });
    await app2.dispose();
  });

  it('the CLI trusts HOST:PORT with --fingerprint into the data directory', async () => {
    const data = mkdtempSync(path.join(os.tmpdir(), 'sw-trust-cli-'));
    const env = { STOWAWAY_DATA_DIR: data, HOME: home };
    const missing = await runCli(['contexts', '--trust-host-key', `127.0.0.1:${sshd.port}`], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--fingerprint');
    const r = await runCli(['contexts', '--trust-host-key', `127.0.0.1:${sshd.port}`, '--fingerprint', fp], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `trusted [127.0.0.1]:${sshd.port} ssh-ed25519 ${fp}: added to ${path.join(data, 'known_hosts')}`,
    );
    expect(readFileSync(path.join(data, 'known_hosts'), 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPub}\n`);
    const again = await runCli(
      ['contexts', '--trust-host-key', `[127.0.0.1]:${sshd.port}`, '--fingerprint', fp, '--format', 'json'],
      { env },
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ added: false, fingerprint: fp });
  });
});
