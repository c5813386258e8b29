import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discover } from '../../../electron/engine/connections/discover.js';
import { contextDirName } from '../../../electron/engine/connections/docker-contexts.js';
import { resolveTarget } from '../../../electron/engine/connections/resolve-target.js';
import { SavedHosts } from '../../../electron/engine/connections/saved-hosts.js';

/** Writes a context the way `docker context create` stores it. */
function writeContext(
  home: string,
  name: string,
  host: string,
  opts: { tls?: boolean; skipVerify?: boolean; description?: string } = {},
) {
  const id = contextDirName(name);
  const meta = path.join(home, '.docker/contexts/meta', id);
  mkdirSync(meta, { recursive: true });
  writeFileSync(
    path.join(meta, 'meta.json'),
    JSON.stringify({
      Name: name,
      Metadata: { Description: opts.description ?? '' },
      Endpoints: { docker: { Host: host, SkipTLSVerify: opts.skipVerify ?? false } },
    }),
  );
  if (opts.tls) {
    const tls = path.join(home, '.docker/contexts/tls', id, 'docker');
    mkdirSync(tls, { recursive: true });
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(tls, f), 'x');
  }
}

function fakeHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'sw-eng-home-'));
  writeContext(home, 'prod-ssh', 'ssh://ops@10.1.2.3:2222', { description: 'prod' });
  writeContext(home, 'tls-box', 'tcp://10.1.2.4:2376', { tls: true });
  writeContext(home, 'desktop-win', 'npipe:////./pipe/dockerDesktopLinuxEngine');
  writeContext(home, 'rootless', 'unix:///run/user/1000/docker.sock');
  // A broken context is reported, not fatal.
  mkdirSync(path.join(home, '.docker/contexts/meta/deadbeef'), { recursive: true });
  writeFileSync(path.join(home, '.docker/contexts/meta/deadbeef/meta.json'), '{not json');
  mkdirSync(path.join(home, '.kube'), { recursive: true });
  writeFileSync(
    path.join(home, '.kube/config'),
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: staging',
      'clusters:',
      '- name: c1',
      '  cluster: { server: "https://127.0.0.1:6443" }',
      'contexts:',
      '- name: staging',
      '  context: { cluster: c1, user: u1, namespace: apps }',
      '- name: dev',
      '  context: { cluster: c1, user: u1 }',
      'users: []',
    ].join('\n'),
  );
  return home;
}

describe('engine discovery from docker contexts and kubeconfig', () => {
  it('lists every docker context with its endpoint and TLS material, and kube contexts as kubernetes engines', () => {
    const home = fakeHome();
    const { engines, warnings } = discover({ env: {}, home, platform: 'linux' });
    const byName = Object.fromEntries(engines.map((e) => [e.name, e]));
    expect(byName['prod-ssh']).toMatchObject({
      id: 'ctx:prod-ssh',
      source: 'context',
      endpoint: { type: 'ssh', host: '10.1.2.3', port: 2222, user: 'ops' },
    });
    const tlsDir = path.join(home, '.docker/contexts/tls', contextDirName('tls-box'), 'docker');
    expect(byName['tls-box']!.endpoint).toEqual({
      type: 'tcp',
      host: '10.1.2.4',
      port: 2376,
      allowInsecure: false,
      tls: {
        verify: true,
        caPath: path.join(tlsDir, 'ca.pem'),
        certPath: path.join(tlsDir, 'cert.pem'),
        keyPath: path.join(tlsDir, 'key.pem'),
      },
    });
    expect(byName['desktop-win']!.endpoint).toEqual({
      type: 'npipe',
      pipePath: '\\\\.\\pipe\\dockerDesktopLinuxEngine',
    });
    expect(byName['rootless']!.endpoint).toEqual({ type: 'unix', socketPath: '/run/user/1000/docker.sock' });
    expect(byName['staging']).toMatchObject({
      kind: 'kubernetes',
      source: 'kubeconfig',
      current: true,
      endpoint: { type: 'kubernetes', context: 'staging', kubeconfigPath: path.join(home, '.kube/config') },
    });
    expect(byName['staging']!.description).toContain('https://127.0.0.1:6443');
    expect(byName['dev']).toMatchObject({ kind: 'kubernetes', current: false });
    expect(warnings.some((w) => w.includes('deadbeef'))).toBe(true);
    // Without any setting the default (local) engine is current.
    expect(engines.filter((e) => e.kind === 'docker' && e.current).map((e) => e.id)).toEqual(['local']);
  });

  it('follows the docker CLI precedence: DOCKER_HOST > DOCKER_CONTEXT > currentContext > default', () => {
    const home = fakeHome();
    writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ currentContext: 'tls-box' }));
    const current = (env: NodeJS.ProcessEnv) =>
      discover({ env, home, platform: 'linux' })
        .engines.filter((e) => e.kind === 'docker' && e.current)
        .map((e) => e.id);
    expect(current({})).toEqual(['ctx:tls-box']);
    expect(current({ DOCKER_CONTEXT: 'prod-ssh' })).toEqual(['ctx:prod-ssh']);
    expect(current({ DOCKER_CONTEXT: 'default' })).toEqual(['local']);
    expect(current({ DOCKER_CONTEXT: 'prod-ssh', DOCKER_HOST: 'tcp://127.0.0.1:9999' })).toEqual(['env']);
    const unknown = discover({ env: { DOCKER_CONTEXT: 'nope' }, home, platform: 'linux' });
    expect(unknown.warnings.join('\n')).toContain('"nope"');
    expect(unknown.currentBy).toBe('default');
  });

  it('resolveTarget: --host > --context > DOCKER_HOST > DOCKER_CONTEXT > currentContext > default', async () => {
    const home = fakeHome();
    writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ currentContext: 'tls-box' }));
    const env = { DOCKER_HOST: 'unix:///tmp/env.sock', DOCKER_CONTEXT: 'prod-ssh' };
    expect((await resolveTarget({ host: 'ssh://a@h:22', context: 'rootless', env, home })).endpoint).toEqual({
      type: 'ssh',
      host: 'h',
      port: 22,
      user: 'a',
    });
    expect((await resolveTarget({ context: 'rootless', env, home })).id).toBe('ctx:rootless');
    expect((await resolveTarget({ env, home })).id).toBe('env');
    expect((await resolveTarget({ env: { DOCKER_CONTEXT: 'prod-ssh' }, home })).id).toBe('ctx:prod-ssh');
    expect((await resolveTarget({ env: {}, home })).id).toBe('ctx:tls-box');
    expect((await resolveTarget({ env: {}, home: mkdtempSync(path.join(os.tmpdir(), 'sw-empty-')) })).id).toBe('local');
    expect((await resolveTarget({ context: 'staging', env: {}, home })).kind).toBe('kubernetes');
    await expect(resolveTarget({ context: 'missing', env: {}, home })).rejects.toThrow(
      /No context named "missing".*prod-ssh/,
    );
  });

  it('resolveTarget applies DOCKER_TLS_VERIFY/DOCKER_CERT_PATH to --host and needs --allow-insecure for plain tcp', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sw-empty-'));
    const tls = await resolveTarget({
      host: 'tcp://127.0.0.1:2376',
      env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      home,
    });
    expect(tls.endpoint).toMatchObject({ type: 'tcp', tls: { verify: true, caPath: '/certs/ca.pem' } });
    const plain = await resolveTarget({ host: 'tcp://127.0.0.1:2375', env: {}, home });
    expect(plain.endpoint).toMatchObject({ type: 'tcp', allowInsecure: false });
    const allowed = await resolveTarget({ host: 'tcp://127.0.0.1:2375', env: {}, home, allowInsecure: true });
    expect(allowed.endpoint).toMatchObject({ type: 'tcp', allowInsecure: true });
    expect((await resolveTarget({ env: { DOCKER_API_VERSION: '1.40' }, home })).apiVersion).toBe('1.40');
  });

  it('reads KUBECONFIG lists (first file wins) and uses ; on Windows', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-kube-'));
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    writeFileSync(a, 'contexts:\n- name: shared\n  context: { cluster: ca }\n');
    writeFileSync(
      b,
      'current-context: only-b\ncontexts:\n- name: shared\n  context: { cluster: cb }\n- name: only-b\n  context: { cluster: cb }\n',
    );
    const linux = discover({
      env: { KUBECONFIG: `${a}:${path.join(dir, 'missing.yaml')}:${b}` },
      home: dir,
      platform: 'linux',
    }).engines.filter((e) => e.kind === 'kubernetes');
    expect(linux.map((e) => [e.name, (e.endpoint as { kubeconfigPath: string }).kubeconfigPath, e.current])).toEqual([
      ['shared', a, false],
      ['only-b', b, true],
    ]);
    const win = discover({ env: { KUBECONFIG: `${a};${b}` }, home: dir, platform: 'win32' }).engines.filter(
      (e) => e.kind === 'kubernetes',
    );
    expect(win.map((e) => e.name)).toEqual(['shared', 'only-b']);
    expect(discover({ env: {}, home: dir, platform: 'win32' }).engines.find((e) => e.id === 'local')!.endpoint).toEqual(
      { type: 'npipe', pipePath: '//./pipe/docker_engine' },
    );
  });

  it('saved hosts persist in the data dir without keys and show up in discovery', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-data-'));
    const saved = new SavedHosts(dataDir);
    const h = saved.add({
      name: 'Lab box',
      kind: 'docker',
      endpoint: { type: 'ssh', host: '127.0.0.1', port: 2222, user: 'root', identityFile: '/home/a/.ssh/id_ed25519' },
    });
    expect(h.id).toMatch(/^saved:lab-box-[0-9a-f]{6}$/);
    const again = discover({ env: {}, home: dataDir, dataDir, platform: 'linux' }).engines.find((e) => e.id === h.id);
    expect(again).toMatchObject({
      source: 'saved',
      name: 'Lab box',
      endpoint: { identityFile: '/home/a/.ssh/id_ed25519' },
    });
    expect(new SavedHosts(dataDir).remove(h.id)).toBe(true);
    expect(new SavedHosts(dataDir).list()).toEqual([]);
    writeFileSync(saved.file, '{broken');
    expect(saved.list()).toEqual([]);
    expect(discover({ env: {}, home: dataDir, dataDir, platform: 'linux' }).warnings.join('\n')).toContain(
      'is not a valid saved-hosts file',
    );
    expect(() => saved.add({ name: 'x', kind: 'docker', endpoint: { type: 'unix', socketPath: '/x' } })).toThrow(
      /not a valid saved-hosts file/,
    );
  });
});
