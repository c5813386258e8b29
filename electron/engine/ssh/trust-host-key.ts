import { appendFileSync, chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadSsh2 } from './load-ssh2.js';
import { AppError } from '@shared/errors.js';
import { toAppError } from '../errors.js';
import { checkHostKey, fingerprint, keyType, knownHostsLine, knownHostsName, readKnownHosts } from './known-hosts.js';

/**
 * Keys the analyst trusted in Stowaway go to a file of its own in the data directory, never into ~/.ssh:
 * what the tool accepted stays separate from what the user's own ssh accepted, and is easy to audit or delete.
 */
export const trustedKnownHostsPath = (dataDir: string) => path.join(dataDir, 'known_hosts');

export interface TrustRequest {
  host: string;
  port: number;
  /** The SHA256 fingerprint the analyst verified out of band; the key the host presents must have it. */
  fingerprint: string;
  /** Files already consulted for this host (user and system known_hosts, or the endpoint's own). */
  knownFiles: string[];
  dataDir: string;
  timeoutMs: number;
}

export interface TrustResult {
  added: boolean;
  file: string;
  line: string;
  host: string;
  fingerprint: string;
  keyType: string;
}

/** Completes the key exchange only, to learn the key the host presents; no authentication is attempted. */
export function fetchHostKey(host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const conn = new (loadSsh2().Client)();
    let key: Buffer | undefined;
    const done = () => {
      conn.removeAllListeners();
      conn.on('error', () => undefined);
      conn.end();
    };
    conn.on('error', (err) => {
      done();
      if (key) resolve(key);
      else reject(toAppError(err, `ssh://${knownHostsName(host, port)}`));
    });
    conn.on('close', () => {
      done();
      if (key) resolve(key);
      else
        reject(
          new AppError(
            'ENGINE_UNREACHABLE',
            `${knownHostsName(host, port)} closed the connection before presenting a host key`,
          ),
        );
    });
    conn.connect({
      host,
      port,
      username: 'stowaway-hostkey',
      readyTimeout: timeoutMs,
      hostVerifier: (k: Buffer) => {
        key = Buffer.from(k);
        // Refusing here ends the handshake: nothing is sent to the host beyond the key exchange.
        return false;
      },
    });
  });
}

/**
 * Adds a host key the analyst verified to Stowaway's known_hosts. Refused when the host presents another
 * fingerprint than the one verified, and when any known_hosts already records a different key for the host:
 * a changed key is never overwritten from here.
 */
export async function trustHostKey(req: TrustRequest): Promise<TrustResult> {
  const name = knownHostsName(req.host, req.port);
  const key = await fetchHostKey(req.host, req.port, req.timeoutMs);
  const fp = fingerprint(key);
  const type = keyType(key);
  const file = trustedKnownHostsPath(req.dataDir);
  const line = knownHostsLine(req.host, req.port, key);
  const details = { host: name, port: req.port, fingerprint: fp, keyType: type, expectedFingerprint: req.fingerprint };
  if (fp !== req.fingerprint) {
    throw new AppError(
      'SSH_HOST_KEY_MISMATCH',
      `${name} presents the ${type} key ${fp}, not the fingerprint you verified (${req.fingerprint}). Nothing was trusted; check the fingerprint with the host's administrator again.`,
      details,
    );
  }
  const files = [...req.knownFiles.filter((f) => f !== file), file];
  const known = readKnownHosts(files);
  const v = checkHostKey(known.text, req.host, req.port, key);
  if (v.status === 'known') return { added: false, file, line, host: name, fingerprint: fp, keyType: type };
  if (v.status === 'mismatch' || v.status === 'revoked') {
    const recorded = v.status === 'mismatch' && v.recorded ? fingerprint(v.recorded) : undefined;
    throw new AppError(
      'SSH_HOST_KEY_MISMATCH',
      v.status === 'revoked'
        ? `The ${type} key ${fp} of ${name} is marked @revoked in ${known.files.join(', ')}; it cannot be trusted from Stowaway.`
        : `known_hosts (${known.files.join(', ')}) already records another ${(v.status === 'mismatch' && v.recordedType) || type} key for ${name}: ${recorded ?? '?'}, and the host now presents ${fp} (${type}). A changed key is not replaced from Stowaway; confirm with the host's administrator and remove the old line (ssh-keygen -R '${name}').`,
      { ...details, recordedFingerprint: recorded },
    );
  }
  mkdirSync(req.dataDir, { recursive: true });
  const fresh = !existsSync(file);
  appendFileSync(file, `${line}\n`, { mode: 0o600 });
  if (fresh) chmodSync(file, 0o600);
  return { added: true, file, line, host: name, fingerprint: fp, keyType: type };
}
