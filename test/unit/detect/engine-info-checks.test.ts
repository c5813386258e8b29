import { describe, expect, it } from 'vitest';
import { parseProcNetPacket } from '../../../electron/engine/collect/proc-parse.js';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { secretsIn } from '../../../electron/engine/detect/lib/secrets.js';
import { container, detail, engine } from './fixtures.js';

/** The engine-wide checks a daemon here cannot be put into (swarm, SELinux), on evidence shaped as GET /info returns it. */
describe('CIS 5.1 and 5.3 from GET /info', () => {
  const running = container(detail({ state: 'running' }));

  it('a swarm manager is medium, a worker low, an inactive node silent', () => {
    const sev = (swarm: string, swarmManager: boolean) =>
      runDetectors(engine([running], { info: { swarm, swarmManager, securityOptions: [] } }), {
        only: ['runtime-hardening'],
      })
        .findings.filter((f) => f.cause === 'cis-5.1')
        .map((f) => f.severity);
    expect([sev('active', true), sev('active', false), sev('inactive', false)]).toEqual([['medium'], ['low'], []]);
  });

  it('5.3 fires only where the engine enforces SELinux and the container sets no label', () => {
    const labelled = container(
      detail({ id: 'b'.repeat(64), name: 'labelled', state: 'running', securityOpt: ['label=type:svirt_apache_t'] }),
    );
    const on = (opts: string[]) =>
      runDetectors(engine([running, labelled], { info: { swarm: 'inactive', securityOptions: opts } }), {
        only: ['runtime-hardening'],
      })
        .findings.filter((f) => f.cause === 'cis-5.3')
        .map((f) => f.container?.name);
    expect(on(['name=seccomp,profile=builtin', 'name=selinux'])).toEqual([running.container.name]);
    expect(on(['name=apparmor'])).toEqual([]);
  });

  it('label=disable is high on an SELinux engine', () => {
    const off = container(detail({ state: 'running', securityOpt: ['label:disable'] }));
    const f = runDetectors(engine([off], { info: { swarm: 'inactive', securityOptions: ['name=selinux'] } }), {
      only: ['security-profile-disabled'],
    }).findings;
    expect(f.map((x) => x.severity)).toEqual(['high']);
  });
});

describe('/proc/net/packet', () => {
  it('parses type, protocol, interface and inode, and skips the header and torn rows', () => {
    const text =
      'sk               RefCnt Type Proto  Iface R Rmem   User   Inode\nffff9c0a4b2c7000 3      3    0003   0     1 0      0      912345\nffff9c0a4b2c8000 3      2    0806   2     1 0      0      912346\nffff9c0a\n';
    expect(parseProcNetPacket(text).map((s) => [s.localAddress, s.inode])).toEqual([
      ['raw proto=0x0003 ifindex=0', 912345],
      ['dgram proto=0x0806 ifindex=2', 912346],
    ]);
  });
});

describe('secret sightings', () => {
  it('names token formats and secret-named variables, never references or placeholders', () => {
    const s = (t: string) => secretsIn(t).map((x) => [x.name, x.strong]);
    expect(s('/bin/sh -c #(nop)  ENV AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP')).toEqual([['AWS access key id', true]]);
    expect(s('DB_PASSWORD=hunter22')).toEqual([['DB_PASSWORD', false]]);
    expect(s('DB_PASSWORD_FILE=/run/secrets/db')).toEqual([]);
    expect(s('API_TOKEN=changeme')).toEqual([]);
    expect(s('API_KEY=${API_KEY}')).toEqual([]);
    expect(secretsIn('SECRET=abcdefgh')[0]!.masked).toBe('ab… (8 chars)');
  });
});
