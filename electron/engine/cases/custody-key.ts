import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeSync, fsyncSync } from 'node:fs';
import path from 'node:path';

/**
 * The installation's Ed25519 key that signs custody seals and bundles. It lives in the data directory, outside
 * the database, readable by its owner only: someone who can rewrite cases.db but not read this file cannot make
 * a rewritten case verify.
 */
export interface CustodyKey {
  privateKey?: KeyObject;
  publicKey: KeyObject;
  /** PEM of the public key, as reports and bundles carry it. */
  publicPem: string;
  /** SHA256 fingerprint of the raw public key, as `SHA256:base64`. */
  fingerprint: string;
}

export const keyFile = (dataDir: string): string => path.join(dataDir, 'keys', 'custody-ed25519.pem');

export function publicKeyInfo(publicKey: KeyObject): { publicPem: string; fingerprint: string } {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`,
  };
}

function fromPem(pem: string): CustodyKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the custody key is not an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, ...publicKeyInfo(publicKey) };
}

/** The installation key, or undefined when none was made yet. */
export function readCustodyKey(dataDir: string): CustodyKey | undefined {
  let pem: string;
  try {
    pem = readFileSync(keyFile(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return fromPem(pem);
}

/** The installation key, made on first use (exclusive create: two processes starting at once end up with one key). */
export function custodyKey(dataDir: string): CustodyKey {
  const existing = readCustodyKey(dataDir);
  if (existing) return existing;
  const dir = path.dirname(keyFile(dataDir));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let fd: number;
  try {
    fd = openSync(keyFile(dataDir), 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readCustodyKey(dataDir)!;
    throw e;
  }
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return fromPem(pem);
}

export const signText = (key: CustodyKey, text: string): string => {
  if (!key.privateKey) throw new Error('no private key to sign with');
  return sign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64');
};

export function verifyText(publicKey: KeyObject | string, text: string, signature: string): boolean {
  try {
    const k = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verify(null, Buffer.from(text, 'utf8'), k, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
