import { InsecureTransportSchema, type InsecureTransport } from '@shared/domain/engine.js';
import type { CaseService } from '../cases/case-service.js';
import { INSECURE_WHY } from '../connections/transport-security.js';

/**
 * For each engine of a case, how its evidence travelled when any scan of it went over an insecure transport
 * (plain tcp, unverified TLS): a reader of the report must know that the evidence could have been altered.
 */
export function insecureEngines(cases: CaseService, caseId: string): Map<string, InsecureTransport> {
  const out = new Map<string, InsecureTransport>();
  for (const s of cases.scans(caseId)) {
    if (out.has(s.engineId)) continue;
    let text: string;
    try {
      text = cases.readEvidence(caseId, s.resultSha256).toString('utf8');
    } catch {
      // A missing blob is for `case verify` to report; the report still renders.
      continue;
    }
    const kind = InsecureTransportSchema.safeParse(engineOf(text)?.insecure);
    if (kind.success) out.set(s.engineId, kind.data);
  }
  return out;
}

/**
 * The `engine` member of a stored scan result. It is serialized first, so parsing the text up to the next
 * top-level key avoids parsing every finding of a large scan; anything unexpected falls back to a full parse.
 */
function engineOf(text: string): { insecure?: unknown } | undefined {
  const cut = text.indexOf(',"scannedAt":');
  if (text.startsWith('{"engine":') && cut > 0) {
    try {
      return (JSON.parse(`${text.slice(0, cut)}}`) as { engine?: { insecure?: unknown } }).engine;
    } catch {
      // The engine object holds a string with that key in it: parse the whole result.
    }
  }
  try {
    return (JSON.parse(text) as { engine?: { insecure?: unknown } }).engine;
  } catch {
    return undefined;
  }
}

/** The Transport column of the engines table. */
export function transportNote(kind: InsecureTransport | undefined): string {
  return kind ? `INSECURE: ${INSECURE_WHY[kind]}; the evidence could have been read or altered in transit` : '';
}
