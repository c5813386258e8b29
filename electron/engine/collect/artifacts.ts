import { createHash } from 'node:crypto';
import type { ArtifactRef } from '@shared/domain/evidence-set.js';

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Provenance of one raw response: the hash is over the exact bytes received, before any parsing. */
export function artifactRef(
  kind: ArtifactRef['kind'],
  sourceCall: string,
  raw: string | Buffer,
  containerId?: string,
): ArtifactRef {
  const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
  return {
    kind,
    sourceCall: sourceCall.slice(0, 2048),
    collectedAt: new Date().toISOString(),
    sha256: sha256Hex(bytes),
    size: bytes.length,
    containerId,
  };
}

/** Provenance of a raw response hashed as it streamed in (see collectEvents): the same record, without the bytes. */
export function digestedArtifactRef(
  kind: ArtifactRef['kind'],
  sourceCall: string,
  body: { sha256: string; size: number },
  containerId?: string,
): ArtifactRef {
  return {
    kind,
    sourceCall: sourceCall.slice(0, 2048),
    collectedAt: new Date().toISOString(),
    sha256: body.sha256,
    size: body.size,
    containerId,
  };
}
