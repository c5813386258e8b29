import type Database from 'better-sqlite3';
import type { CaseView } from '@shared/api/cases.js';
import type { CustodyEntry } from '@shared/domain/case.js';
import type { BlobStore } from './blob-store.js';
import { custodyHash, GENESIS } from './custody-chain.js';

export type CustodyAction = CustodyEntry['action'];

export const now = () => new Date().toISOString();

/**
 * What the parts of the case store (custody and evidence, triage, notes and allowlists) share: the database, the
 * blob store, and the one way to change a case, a write that extends its seal.
 */
export interface CaseCore {
  readonly db: Database.Database;
  readonly blobs: BlobStore;
  readonly user: string;
  /** Runs a change to a case in one transaction and extends the case's seal with what it added. */
  write<T>(caseId: string, fn: () => T, what?: string): T;
  get(caseId: string): CaseView;
  /** Cheap existence check for read paths. */
  requireCase(caseId: string): void;
  /** Edits need an open case (and, for evidence, one not imported from a bundle). */
  requireOpen(caseId: string, what: string, evidenceChange?: boolean): CaseView;
  touch(caseId: string): void;
}

/** Appends one line to the case's custody log, chained to the line before it. */
export function appendCustody(
  db: Database.Database,
  caseId: string,
  action: CustodyAction,
  detail: string,
  actor: string,
  at = now(),
): void {
  const last = db.prepare('SELECT hash FROM custody WHERE case_id = ? ORDER BY seq DESC LIMIT 1').get(caseId) as
    { hash: string | null } | undefined;
  const prev = last?.hash ?? GENESIS;
  const d = detail.slice(0, 8192);
  const a = actor.slice(0, 256);
  const hash = custodyHash(prev, { caseId, at, actor: a, action, detail: d });
  db.prepare(
    'INSERT INTO custody (case_id, at, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(caseId, at, a, action, d, prev, hash);
}
