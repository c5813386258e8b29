import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type HostKeyVerdict =
  | { status: 'known' }
  | { status: 'unknown' }
  /** recorded: the key known_hosts holds for this host (and its type), so both can be shown. */
  | { status: 'mismatch'; line: number; recorded?: Buffer; recordedType?: string }
  | { status: 'revoked'; line: number };

/** OpenSSH's fingerprint form: SHA256:<unpadded base64 of the key blob's sha256>. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH public key blob (e.g. ssh-ed25519). */
export function keyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const n = keyBlob.readUInt32BE(0);
  return n > 0 && n < 64 && keyBlob.length >= 4 + n ? keyBlob.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

/** How known_hosts names a host: bare for port 22, [host]:port otherwise. */
export const knownHostsName = (host: string, port: number) => (port === 22 ? host : `[${host}]:${port}`);

/**
 * One known_hosts line as ssh-keyscan writes it: name ([host]:port unless 22), key type, base64 blob.
 * Names are not hashed: the analyst should be able to read and audit what Stowaway trusted.
 */
export function knownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  if (!/^[A-Za-z0-9._:-]+$/.test(host) || host.length > 255)
    throw new Error(`"${host.slice(0, 80)}" is not a host name or address that can go in known_hosts`);
  return `${knownHostsName(host, port)} ${keyType(keyBlob)} ${keyBlob.toString('base64')}`;
}

/**
 * Checks a host key against known_hosts text the way OpenSSH does: a matching line accepts it, a line for the
 * same host with another key is a mismatch (possible interception), @revoked keys are refused, and a host
 * with no line at all is unknown. A key of another type than the recorded one is a mismatch too, as OpenSSH
 * warns about it: an interceptor that cannot forge the known ed25519 key would otherwise offer an ecdsa key
 * and get a first-use trust prompt instead of a warning. Hashed host names (|1|salt|hash) are supported.
 */
export function checkHostKey(knownHosts: string, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const type = keyType(keyBlob);
  let mismatch: { line: number; recorded: Buffer; recordedType: string } | undefined;
  let otherType: { line: number; recorded: Buffer; recordedType: string } | undefined;
  const lines = knownHosts.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]!.startsWith('@')) marker = fields.shift();
    if (marker === '@cert-authority' || fields.length < 3) continue;
    const [hosts, ktype, b64] = fields as [string, string, string];
    if (!hostMatches(hosts, name)) continue;
    const blob = Buffer.from(b64, 'base64');
    if (marker === '@revoked') {
      if (blob.equals(keyBlob)) return { status: 'revoked', line: i + 1 };
      continue;
    }
    if (blob.equals(keyBlob)) return { status: 'known' };
    // A key of the same type is the one to show next to the presented key; another type only when none is.
    if (ktype === type) mismatch ??= { line: i + 1, recorded: blob, recordedType: ktype };
    else otherType ??= { line: i + 1, recorded: blob, recordedType: ktype };
  }
  const found = mismatch ?? otherType;
  return found ? { status: 'mismatch', ...found } : { status: 'unknown' };
}

export function readKnownHosts(paths: string[]): { text: string; files: string[] } {
  const texts: string[] = [];
  const files: string[] = [];
  for (const p of paths) {
    try {
      texts.push(readFileSync(p, 'utf8'));
      files.push(p);
    } catch {
      // A missing known_hosts simply means no host is known yet.
    }
  }
  return { text: texts.join('\n'), files };
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let ok = false;
  for (const raw of patterns.split(',')) {
    const negated = raw.startsWith('!');
    const pat = negated ? raw.slice(1) : raw;
    if (globMatch(pat, name)) {
      if (negated) return false;
      ok = true;
    }
  }
  return ok;
}

function globMatch(pattern: string, s: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern === s;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\[/g, '\\[')
      .replace(/\]/g, '\\]')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(s);
}
