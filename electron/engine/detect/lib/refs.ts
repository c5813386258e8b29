import { clip, LIMITS } from '@shared/domain/bounds.js';
import type { EvidenceRef } from '@shared/domain/finding.js';
import type { ArtifactRef, ContainerEvidence, FileContent } from '@shared/domain/evidence-set.js';

/** Makes an evidence reference with bounded strings, whatever the container put in them. */
export function ref(kind: EvidenceRef['kind'], what: string, excerpt: string, sha256?: string): EvidenceRef {
  const r: EvidenceRef = { kind, ref: clip(what, LIMITS.path), excerpt: clip(excerpt, LIMITS.summary) };
  if (sha256 && /^[0-9a-f]{64}$/.test(sha256)) r.sha256 = sha256;
  return r;
}

/** Hash of the newest artifact of a kind for this container, so a reference points at exact collected bytes. */
export function artifactSha(
  c: ContainerEvidence,
  kind: ArtifactRef['kind'],
  sourceIncludes?: string,
): string | undefined {
  const list = c.artifacts.filter((a) => a.kind === kind && (!sourceIncludes || a.sourceCall.includes(sourceIncludes)));
  return list[list.length - 1]?.sha256;
}

/** Reference to a container's inspect document (configuration findings). */
export function inspectRef(c: ContainerEvidence, field: string, excerpt: string): EvidenceRef {
  return ref('inspect', `${c.container.id.slice(0, 12)}:${field}`, excerpt, artifactSha(c, 'inspect'));
}

/** Reference to a file whose content was read. */
export function fileRef(f: FileContent, excerpt: string): EvidenceRef {
  return ref('file', f.path, excerpt, f.sha256);
}

/** Shows a hostile string on one line: control characters become visible escapes. */
export function oneLine(s: string, max = 200): string {
  const safe = s.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return clip(safe, max);
}
