import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { publicKeyInfo, signText, verifyText, type CustodyKey } from '../cases/custody-key.js';
import type { OpenedBundle } from './read-bundle.js';

/**
 * A bundle is signed by the collector's installation key (the key that signs its case seals): `manifest.sig`
 * holds an Ed25519 signature over the exact bytes of manifest.json, which lists the hash of every other entry,
 * and the public key. The signature shows the bundle is as that key's holder wrote it; whether that holder is the
 * collector the analyst expects is told by the key's fingerprint (`stowaway case key` on the collecting host).
 */
export const BundleSignatureSchema = z
  .object({ alg: z.literal('ed25519'), publicKey: z.string().max(4096), signature: z.string().max(512) })
  .strict();

export interface BundleSigner {
  status: 'verified' | 'unsigned' | 'invalid';
  fingerprint?: string;
  summary: string;
}

export function signManifest(key: CustodyKey, manifestJson: string): Buffer {
  return Buffer.from(
    JSON.stringify({ alg: 'ed25519', publicKey: key.publicPem, signature: signText(key, manifestJson) }),
  );
}

export function checkBundleSignature(b: Pick<OpenedBundle, 'signature' | 'manifestRaw'>): BundleSigner {
  if (!b.signature) return { status: 'unsigned', summary: 'the bundle is not signed' };
  let parsed: z.infer<typeof BundleSignatureSchema>;
  let fingerprint: string;
  try {
    parsed = BundleSignatureSchema.parse(JSON.parse(b.signature.toString('utf8')));
    fingerprint = publicKeyInfo(createPublicKey(parsed.publicKey)).fingerprint;
  } catch {
    return { status: 'invalid', summary: 'the bundle signature is unreadable' };
  }
  if (!verifyText(parsed.publicKey, b.manifestRaw.toString('utf8'), parsed.signature))
    return { status: 'invalid', fingerprint, summary: `the bundle signature does NOT verify (key ${fingerprint})` };
  return { status: 'verified', fingerprint, summary: `signed by Ed25519 key ${fingerprint}; the signature verifies` };
}
