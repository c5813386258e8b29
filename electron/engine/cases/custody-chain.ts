import { sha256Hex } from './blob-store.js';

export const GENESIS = '0'.repeat(64);

/** Hash of one custody line, bound to its predecessor: rewriting or dropping a line breaks every later hash. */
export function custodyHash(
  prev: string,
  e: { caseId: string; at: string; actor: string; action: string; detail: string },
): string {
  return sha256Hex(`${prev}\n${JSON.stringify([e.caseId, e.at, e.actor, e.action, e.detail])}`);
}
