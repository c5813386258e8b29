import { createHash } from 'node:crypto';
import { AppError } from '@shared/errors.js';

/**
 * A bundle travels from a collection Job back to Stowaway through the pod's log, the one channel every cluster
 * offers without exec or a volume: base64 lines between two marker lines that carry its size and sha256. The
 * log mixes stdout and stderr, so the decoder keeps only the framed lines, and the hash proves the bytes whole.
 */

const BEGIN = 'STOWAWAY-BUNDLE-BEGIN';
const END = 'STOWAWAY-BUNDLE-END';
const LINE = 76;

export function encodeBundleFrame(bytes: Buffer): string {
  const sha = createHash('sha256').update(bytes).digest('hex');
  const b64 = bytes.toString('base64');
  const lines = [`${BEGIN} v1 size=${bytes.length} sha256=${sha}`];
  for (let i = 0; i < b64.length; i += LINE) lines.push(b64.slice(i, i + LINE));
  lines.push(`${END} sha256=${sha}`);
  return `${lines.join('\n')}\n`;
}

export interface DecodedFrame {
  bytes: Buffer;
  sha256: string;
}

/** Finds the framed bundle in a pod log; a missing, cut or altered frame is an error naming what is wrong. */
export function decodeBundleFrame(log: string, maxBytes: number): DecodedFrame {
  const lines = log.split(/\r?\n/);
  const start = lines.findIndex((l) => l.startsWith(`${BEGIN} `));
  if (start < 0)
    throw new AppError(
      'NOT_FOUND',
      'the collector log holds no bundle (it failed before writing one, or the log was rotated away)',
    );
  const head = /^STOWAWAY-BUNDLE-BEGIN v1 size=(\d+) sha256=([0-9a-f]{64})$/.exec(lines[start]!.trim());
  if (!head) throw new AppError('VALIDATION', 'the bundle header in the collector log is malformed');
  const size = Number(head[1]);
  const sha = head[2]!;
  if (size > maxBytes)
    throw new AppError('VALIDATION', `the bundle announces ${size} bytes, over the ${maxBytes}-byte limit`);
  const parts: string[] = [];
  let ended = false;
  for (const raw of lines.slice(start + 1)) {
    const l = raw.trim();
    if (l.startsWith(`${END} `)) {
      if (l !== `${END} sha256=${sha}`)
        throw new AppError('VALIDATION', 'the bundle trailer does not match its header');
      ended = true;
      break;
    }
    // Other output (stderr, runtime messages) may interleave; base64 lines are the only ones that count.
    if (/^[A-Za-z0-9+/]+={0,2}$/.test(l)) parts.push(l);
  }
  if (!ended)
    throw new AppError(
      'VALIDATION',
      'the bundle in the collector log is cut off (no trailer): the log may have been rotated or truncated',
    );
  const bytes = Buffer.from(parts.join(''), 'base64');
  const got = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== size || got !== sha)
    throw new AppError(
      'VALIDATION',
      `the bundle from the collector log does not match its header (${bytes.length} of ${size} bytes, sha256 ${got.slice(0, 12)}… instead of ${sha.slice(0, 12)}…)`,
    );
  return { bytes, sha256: sha };
}
