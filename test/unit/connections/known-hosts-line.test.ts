import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, knownHostsLine } from '../../../electron/engine/ssh/known-hosts.js';
import { parseHostPort } from '../../../electron/engine/ssh/host-port.js';

function blob(type: string, body = randomBytes(32)): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(body.length);
  return Buffer.concat([len, t, blen, body]);
}

describe('the known_hosts line Stowaway appends for a trusted key', () => {
  const key = blob('ssh-ed25519');

  it('uses the bare host on port 22 and [host]:port otherwise, then type and base64 blob', () => {
    expect(knownHostsLine('10.0.0.5', 22, key)).toBe(`10.0.0.5 ssh-ed25519 ${key.toString('base64')}`);
    expect(knownHostsLine('127.0.0.1', 2222, key)).toBe(`[127.0.0.1]:2222 ssh-ed25519 ${key.toString('base64')}`);
    expect(knownHostsLine('::1', 2200, key)).toMatch(/^\[::1\]:2200 ssh-ed25519 /);
  });

  it('is read back as known for that host and port only', () => {
    const line = knownHostsLine('host.lab', 2222, key);
    expect(checkHostKey(line, 'host.lab', 2222, key)).toEqual({ status: 'known' });
    expect(checkHostKey(line, 'host.lab', 22, key)).toEqual({ status: 'unknown' });
    expect(checkHostKey(line, 'host.lab', 2222, blob('ssh-ed25519'))).toMatchObject({
      status: 'mismatch',
      line: 1,
      recorded: key,
    });
  });

  it('refuses host names that would break or extend the line', () => {
    for (const bad of ['a b', 'x\nevil ssh-ed25519 AAAA', 'h,*', '!h', '|1|x|y', ''])
      expect(() => knownHostsLine(bad, 22, key)).toThrow(/not a host name/);
  });
});

describe('HOST[:PORT] as the CLI takes it', () => {
  it('reads host, host:port, [host]:port and ssh:// URLs', () => {
    expect(parseHostPort('example.lab')).toEqual({ host: 'example.lab', port: 22 });
    expect(parseHostPort('127.0.0.1:2222')).toEqual({ host: '127.0.0.1', port: 2222 });
    expect(parseHostPort('[127.0.0.1]:2222')).toEqual({ host: '127.0.0.1', port: 2222 });
    expect(parseHostPort('[::1]')).toEqual({ host: '::1', port: 22 });
    expect(parseHostPort('ssh://ops@h.lab:2200')).toEqual({ host: 'h.lab', port: 2200 });
  });
  it('refuses what is not a host', () => {
    for (const bad of ['', 'h:0', 'h:70000', 'a b', 'h:port']) expect(() => parseHostPort(bad)).toThrow(/is not HOST/);
  });
});
