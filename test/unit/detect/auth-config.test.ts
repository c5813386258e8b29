import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { container, engine, sha } from './fixtures.js';

/** Debian's stock common-auth: pam_permit as `required` after the real check is how the stack ends, not a hole. */
const DEBIAN_COMMON_AUTH = [
  'auth\t[success=1 default=ignore]\tpam_unix.so nullok',
  'auth\trequisite\t\t\tpam_deny.so',
  'auth\trequired\t\t\tpam_permit.so',
].join('\n');

/** A container with one file read; `changed` puts it in the diff, else it is the image's own. */
function withFile(path: string, text: string, changed = true) {
  const file = { path, sha256: sha(text), size: text.length, text, imageSha256: changed ? undefined : sha(text) };
  return container(
    {},
    {
      fileContents: [file],
      files: changed ? [{ path, kind: 'changed', flags: [], sha256: sha(text) }] : [],
    },
  );
}

const run = (...cs: ReturnType<typeof withFile>[]) =>
  runDetectors(engine(cs), { only: ['auth-config-tampering'] }).findings.map((f) => ({
    container: f.container?.name,
    severity: f.severity,
    cause: f.cause,
    attack: f.attack,
    summary: f.summary,
  }));

describe('auth-config-tampering', () => {
  it.each([
    [
      'pam_permit made sufficient',
      '/etc/pam.d/common-auth',
      `auth sufficient pam_permit.so\n${DEBIAN_COMMON_AUTH}`,
      'critical',
      'T1556.003',
    ],
    [
      'pam_exec capturing the password',
      '/etc/pam.d/sshd',
      'auth optional pam_exec.so expose_authtok /usr/local/bin/log',
      'critical',
      'T1056',
    ],
    [
      'a PAM module from a hidden scratch directory',
      '/etc/pam.d/su',
      'auth sufficient /tmp/.x/pam_door.so',
      'critical',
      'T1556.003',
    ],
    ['pam_exec on every session', '/etc/pam.d/login', 'session optional pam_exec.so /opt/hook.sh', 'high', 'T1556.003'],
    [
      'sshd accepting empty passwords',
      '/etc/ssh/sshd_config',
      'PermitEmptyPasswords yes\nPermitRootLogin yes',
      'high',
      'T1556',
    ],
    [
      'sshd reading keys from a hidden file',
      '/etc/ssh/sshd_config.d/99-x.conf',
      'AuthorizedKeysFile /var/tmp/.k',
      'high',
      'T1098.004',
    ],
    [
      'sshd asking a program for keys',
      '/etc/ssh/sshd_config',
      'AuthorizedKeysCommand /tmp/keys.sh %u\nAuthorizedKeysCommandUser root',
      'high',
      'T1098.004',
    ],
  ])('%s', (_name, path, text, severity, technique) => {
    const f = run(withFile(path, text));
    expect(f[0]!.severity, JSON.stringify(f)).toBe(severity);
    expect(f[0]!.attack).toContain(technique);
    expect(f[0]!.summary).toContain('after start');
  });

  it('stays at low for a changed file with no risky line, and silent on what the image ships', () => {
    const stock = withFile('/etc/pam.d/common-auth', DEBIAN_COMMON_AUTH);
    const keys = withFile(
      '/etc/ssh/sshd_config',
      'AuthorizedKeysFile .ssh/authorized_keys %h/.ssh/authorized_keys2\nPort 2222',
    );
    const ns = withFile('/etc/nsswitch.conf', 'passwd: files\nhosts: files dns');
    expect(run(stock, keys, ns).map((f) => [f.severity, f.cause])).toEqual([
      ['low', 'auth-config-changed'],
      ['low', 'auth-config-changed'],
      ['low', 'auth-config-changed'],
    ]);
    const shipped = withFile('/etc/ssh/sshd_config', 'PermitRootLogin yes\nPermitEmptyPasswords yes', false);
    const sysModule = withFile('/etc/pam.d/other', 'auth required /lib/x86_64-linux-gnu/security/pam_unix.so');
    expect(run(shipped)).toEqual([]);
    expect(run(sysModule).map((f) => f.severity)).toEqual(['low']);
  });
});
