import type Database from 'better-sqlite3';
import { sha256Hex } from './blob-store.js';
import { custodyHash, GENESIS } from './custody-chain.js';

/**
 * The seal of a case: for each append-only record of the case (custody, evidence, triage history, notes) the
 * number of rows, the highest row number and a hash chained over the rows in the order they were written, plus
 * the case row's name, status and read-only flag. The case row stores it with an Ed25519 signature of the
 * installation key. Writers extend the stored seal with the rows they add (never recompute it from the
 * tables, which would bless an earlier tampering) and sign only when the seal they extend was validly signed;
 * `verify` recomputes every chain from the first row and compares.
 */
export interface Chain {
  n: number;
  head: string;
  last: number;
}

export interface Seal {
  v: 1;
  caseId: string;
  name: string;
  status: string;
  readOnly: boolean;
  custody: Chain;
  evidence: Chain;
  triage: Chain;
  notes: Chain;
  /** Fingerprint of the key that signs it. */
  key: string;
}

export const CHAINS = ['custody', 'evidence', 'triage', 'notes'] as const;
export type ChainName = (typeof CHAINS)[number];

const EMPTY: Chain = { n: 0, head: GENESIS, last: 0 };

type Row = Record<string, unknown>;

const link = (prev: string, fields: unknown[]): string => sha256Hex(`${prev}\n${JSON.stringify(fields)}`);

/** One step of each chain. The row shapes are those of the export, so a report's reader can recompute custody and triage. */
export const STEP: Record<ChainName, (prev: string, caseId: string, r: Row) => string> = {
  custody: (prev, caseId, r) =>
    custodyHash(prev, {
      caseId,
      at: r.at as string,
      actor: r.actor as string,
      action: r.action as string,
      detail: r.detail as string,
    }),
  evidence: (prev, _c, r) =>
    link(prev, [
      r.sha256,
      r.kind,
      r.source_call,
      r.engine_id,
      r.container_id ?? null,
      r.collected_at,
      r.collected_by,
      r.collector_version,
      r.size,
      r.media_type,
    ]),
  triage: (prev, _c, r) => link(prev, [r.finding_id, r.at, r.actor, r.from_state, r.to_state, r.reason ?? null]),
  notes: (prev, _c, r) =>
    link(prev, [r.id, r.author, r.created_at, r.markdown, r.finding_id ?? null, r.supersedes ?? null]),
};

const TABLE: Record<ChainName, string> = {
  custody: 'custody',
  evidence: 'evidence',
  triage: 'finding_history',
  notes: 'notes',
};

/** Extends a chain with the case's rows numbered after `from.last`. */
export function extendChain(db: Database.Database, name: ChainName, caseId: string, from: Chain = EMPTY): Chain {
  const rows = db
    .prepare(`SELECT * FROM ${TABLE[name]} WHERE case_id = ? AND seq > ? ORDER BY seq`)
    .iterate(caseId, from.last) as IterableIterator<Row>;
  let { n, head, last } = from;
  for (const r of rows) {
    head = STEP[name](head, caseId, r);
    n++;
    last = r.seq as number;
  }
  return { n, head, last };
}

/** The seal's text as signed: fixed key order, so the same seal always gives the same bytes. */
export function sealText(s: Seal): string {
  const c = (x: Chain) => ({ n: x.n, head: x.head, last: x.last });
  return JSON.stringify({
    v: s.v,
    caseId: s.caseId,
    name: s.name,
    status: s.status,
    readOnly: s.readOnly,
    custody: c(s.custody),
    evidence: c(s.evidence),
    triage: c(s.triage),
    notes: c(s.notes),
    key: s.key,
  });
}

export function parseSeal(text: string | null | undefined): Seal | undefined {
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as Seal;
    return s && s.v === 1 && CHAINS.every((k) => s[k] && typeof s[k].head === 'string') ? s : undefined;
  } catch {
    return undefined;
  }
}

interface CaseSealRow {
  name: string;
  status: string;
  read_only: number;
}

/** The seal of the case as it is now, every chain recomputed from its first row (or extended from `base`). */
export function computeSeal(db: Database.Database, caseId: string, key: string, base?: Seal): Seal {
  const r = db.prepare('SELECT name, status, read_only FROM cases WHERE id = ?').get(caseId) as CaseSealRow;
  return {
    v: 1,
    caseId,
    name: r.name,
    status: r.status,
    readOnly: r.read_only === 1,
    custody: extendChain(db, 'custody', caseId, base?.custody),
    evidence: extendChain(db, 'evidence', caseId, base?.evidence),
    triage: extendChain(db, 'triage', caseId, base?.triage),
    notes: extendChain(db, 'notes', caseId, base?.notes),
    key,
  };
}
