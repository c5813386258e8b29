import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, keyType } from '../../../electron/engine/ssh/known-hosts.js';
import { Backoff } from '../../../electron/engine/connections/backoff.js';
import { checkApiVersion } from '../../../electron/engine/connections/api-version.js';

/** An SSH wire-format key blob: string type, then key bytes. */
function blob(type: string, body = randomBytes(32)): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(body.length);
  return Buffer.concat([len, t, blen, body]);
}

describe('known_hosts checking', () => {
  const key = blob('ssh-ed25519');
  const other = blob('ssh-ed25519');
  const rsa = blob('ssh-rsa');
  const line = (host: string, k: Buffer) => `${host} ${keyType(k)} ${k.toString('base64')}`;

  it('accepts a known key, with [host]:port for non-22 ports and hashed names', () => {
    expect(checkHostKey(line('[127.0.0.1]:2222', key), '127.0.0.1', 2222, key)).toEqual({ status: 'known' });
    expect(checkHostKey(line('example,10.0.0.1', key), '10.0.0.1', 22, key)).toEqual({ status: 'known' });
    expect(checkHostKey(line('*.lab', key), 'a.lab', 22, key)).toEqual({ status: 'known' });
    const salt = randomBytes(20);
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[h]:2200').digest('base64')}`;
    expect(checkHostKey(line(hashed, key), 'h', 2200, key)).toEqual({ status: 'known' });
    // Port matters: the same host on another port is unknown.
    expect(checkHostKey(line('[127.0.0.1]:2222', key), '127.0.0.1', 22, key)).toEqual({ status: 'unknown' });
  });

  it('reports a changed key as a mismatch with its line, of the same type or another one', () => {
    const text = `# comment\n${line('[127.0.0.1]:2222', other)}\n`;
    expect(checkHostKey(text, '127.0.0.1', 2222, key)).toMatchObject({ status: 'mismatch', line: 2, recorded: other });
    expect(checkHostKey(line('[127.0.0.1]:2222', rsa), '127.0.0.1', 2222, key)).toMatchObject({
      status: 'mismatch',
      line: 1,
      recorded: rsa,
      recordedType: 'ssh-rsa',
    });
    expect(checkHostKey(`@revoked ${line('*', key)}`, 'x', 22, key)).toEqual({ status: 'revoked', line: 1 });
    expect(checkHostKey(`!bad,* ${keyType(key)} ${key.toString('base64')}`, 'bad', 22, key)).toEqual({
      status: 'unknown',
    });
  });

  it('prints fingerprints as OpenSSH does', () => {
    expect(fingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyType(key)).toBe('ssh-ed25519');
  });
});

describe('reconnect backoff and API version floor', () => {
  it('doubles up to the cap and resets', () => {
    const b = new Backoff(100, 1000);
    const seq = [b.next(), b.next(), b.next(), b.next(), b.next()];
    expect(seq[0]).toBeGreaterThanOrEqual(90);
    expect(seq[0]).toBeLessThanOrEqual(110);
    expect(seq[2]).toBeGreaterThanOrEqual(360);
    expect(seq[4]).toBeLessThanOrEqual(1000);
    b.reset();
    expect(b.next()).toBeLessThanOrEqual(110);
  });

  it('refuses engines older than API 1.30', () => {
    expect(() => checkApiVersion('1.12', 'engine x')).toThrow(/speaks Engine API 1.12; Stowaway needs API 1.30/);
    expect(() => checkApiVersion(undefined, 'engine x')).toThrow(/did not report/);
    expect(() => checkApiVersion('1.41', 'engine x')).not.toThrow();
  });
});
