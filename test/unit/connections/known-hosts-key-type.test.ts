import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint } from '../../../electron/engine/ssh/known-hosts.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-hostkeys-'));

/** A host key made by ssh-keygen: its known_hosts fields and its wire blob. */
function hostKey(
  type: 'ed25519' | 'ecdsa' | 'rsa',
  name: string,
): { line: (host: string) => string; blob: Buffer; fingerprint: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', file]);
  const [ktype, b64] = readFileSync(`${file}.pub`, 'utf8').trim().split(/\s+/) as [string, string];
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`])
    .toString()
    .split(/\s+/)[1]!;
  return { line: (host) => `${host} ${ktype} ${b64}`, blob: Buffer.from(b64, 'base64'), fingerprint: fp };
}

describe('a host that presents a key of another type than the one recorded', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ed = hostKey('ed25519', 'ed');
  const ecdsa = hostKey('ecdsa', 'ecdsa');
  const rsa = hostKey('rsa', 'rsa');

  it('is a mismatch showing both keys, as OpenSSH warns, not an unknown host', () => {
    const v = checkHostKey(`${ed.line('[10.0.0.5]:2222')}\n`, '10.0.0.5', 2222, ecdsa.blob);
    expect(v).toMatchObject({ status: 'mismatch', line: 1, recordedType: 'ssh-ed25519' });
    if (v.status !== 'mismatch') throw new Error('not a mismatch');
    // Both fingerprints are those ssh-keygen prints for the two keys.
    expect(fingerprint(v.recorded!)).toBe(ed.fingerprint);
    expect(fingerprint(ecdsa.blob)).toBe(ecdsa.fingerprint);
  });

  it('prefers the recorded key of the presented type when the host has several', () => {
    const text = [ed.line('h'), ecdsa.line('h')].join('\n');
    const other = hostKey('ecdsa', 'ecdsa-2');
    expect(checkHostKey(text, 'h', 22, other.blob)).toMatchObject({
      status: 'mismatch',
      line: 2,
      recordedType: 'ecdsa-sha2-nistp256',
    });
    expect(checkHostKey(text, 'h', 22, rsa.blob)).toMatchObject({
      status: 'mismatch',
      line: 1,
      recordedType: 'ssh-ed25519',
    });
  });

  it('still accepts any recorded key, and a host with no line stays unknown', () => {
    const text = [ed.line('h'), ecdsa.line('h')].join('\n');
    expect(checkHostKey(text, 'h', 22, ecdsa.blob)).toEqual({ status: 'known' });
    expect(checkHostKey(text, 'h', 22, ed.blob)).toEqual({ status: 'known' });
    expect(checkHostKey(text, 'other-host', 22, ecdsa.blob)).toEqual({ status: 'unknown' });
    expect(checkHostKey(ed.line('[h]:2200'), 'h', 22, ecdsa.blob)).toEqual({ status: 'unknown' });
  });
});
