import { subjectOf } from './finding-store.js';
import type Database from 'better-sqlite3';
import type { VerifyResult } from '@shared/api/cases.js';
import { SEVERITIES, type Finding } from '@shared/domain/finding.js';
import type { BlobStore } from './blob-store.js';
import { custodyHash, GENESIS } from './custody-chain.js';
import { CHAINS, computeSeal, parseSeal, type Seal } from './case-seal.js';
import { verifyText, type CustodyKey } from './custody-key.js';

type Problem = VerifyResult['problems'][number];

/** At most this many examples are named in one problem; the count says how many there are. */
const EXAMPLES = 5;

const listed = (items: string[]) =>
  `${items.slice(0, EXAMPLES).join('; ')}${items.length > EXAMPLES ? `; … ${items.length - EXAMPLES} more` : ''}`;

interface Store {
  db: Database.Database;
  blobs: BlobStore;
}

/** Every check of `stowaway case verify`; see CaseService.verify. */
export async function verifyCase(store: Store, caseId: string, key: CustodyKey | undefined): Promise<VerifyResult> {
  const { db } = store;
  const problems: Problem[] = [];
  const shas = (
    db.prepare('SELECT DISTINCT sha256 FROM evidence WHERE case_id = ? ORDER BY sha256').all(caseId) as Array<{
      sha256: string;
    }>
  ).map((r) => r.sha256);
  const intact = new Set<string>();
  for (const sha of shas) {
    const actual = await store.blobs.rehash(sha);
    if (actual === undefined)
      problems.push({ kind: 'blob-missing', sha256: sha, detail: `blob ${sha} is missing from ${store.blobs.dir}` });
    else if (actual !== sha)
      problems.push({ kind: 'hash-mismatch', sha256: sha, detail: `blob ${sha} now hashes to ${actual}` });
    else intact.add(sha);
  }
  const lines = db.prepare('SELECT * FROM custody WHERE case_id = ? ORDER BY seq').all(caseId) as Array<
    Record<string, string>
  >;
  let prev = GENESIS;
  for (const l of lines) {
    const expect = custodyHash(prev, { caseId, at: l.at!, actor: l.actor!, action: l.action!, detail: l.detail! });
    if (l.prev_hash !== prev || l.hash !== expect) {
      problems.push({
        kind: 'custody-chain',
        detail: `custody line ${l.seq} does not follow from the line before it (rewritten or removed lines)`,
      });
      break;
    }
    prev = l.hash!;
  }
  problems.push(...checkSeal(db, caseId, key));
  problems.push(...checkTriage(db, caseId));
  problems.push(...checkFindings(store, caseId, intact));
  const integrity = db.pragma('quick_check', { simple: true }) as string;
  if (integrity !== 'ok') problems.push({ kind: 'integrity', detail: `SQLite quick_check: ${integrity}` });
  for (const p of problems) p.detail = p.detail.slice(0, 2000);
  return { caseId, checked: shas.length, custodyEntries: lines.length, ok: problems.length === 0, problems };
}

const WHAT: Record<(typeof CHAINS)[number], string> = {
  custody: 'custody lines',
  evidence: 'evidence rows',
  triage: 'triage history entries',
  notes: 'notes',
};

/** The stored seal against the tables recomputed from their first row, and its signature against the installation key. */
function checkSeal(db: Database.Database, caseId: string, key: CustodyKey | undefined): Problem[] {
  const row = db.prepare('SELECT seal, seal_sig FROM cases WHERE id = ?').get(caseId) as {
    seal: string | null;
    seal_sig: string | null;
  };
  const sealed = parseSeal(row.seal);
  if (!sealed)
    return [
      {
        kind: 'seal',
        detail:
          'the case carries no seal (removed, or never sealed): its records cannot be checked for removed or rewritten rows',
      },
    ];
  const out: Problem[] = [];
  const now: Seal = computeSeal(db, caseId, sealed.key);
  for (const c of CHAINS) {
    const a = sealed[c];
    const b = now[c];
    if (a.n !== b.n || a.head !== b.head || a.last !== b.last) {
      const how = b.n < a.n ? `${a.n - b.n} removed` : b.n > a.n ? `${b.n - a.n} added outside Stowaway` : 'rewritten';
      out.push({
        kind: 'seal',
        detail: `${WHAT[c]}: the seal records ${a.n} ending in ${a.head.slice(0, 16)}…, the case now has ${b.n} ending in ${b.head.slice(0, 16)}… (${how})`,
      });
    }
  }
  for (const f of ['name', 'status', 'readOnly'] as const) {
    if (sealed[f] !== now[f])
      out.push({
        kind: 'seal',
        detail: `the case's ${f} is ${JSON.stringify(now[f])} but the seal records ${JSON.stringify(sealed[f])}`,
      });
  }
  if (!key)
    out.push({
      kind: 'signature',
      detail: 'this installation has no custody key (keys/custody-ed25519.pem is missing): the seal cannot be checked',
    });
  else if (sealed.key !== key.fingerprint)
    out.push({
      kind: 'signature',
      detail: `the seal names key ${sealed.key.slice(0, 64)}, not this installation's key ${key.fingerprint}`,
    });
  else if (!row.seal_sig)
    out.push({
      kind: 'signature',
      detail: 'the seal is not signed: it was removed, or written after the case had been changed outside Stowaway',
    });
  else if (!verifyText(key.publicKey, row.seal!, row.seal_sig))
    out.push({
      kind: 'signature',
      detail: 'the seal does not match its signature: it was rewritten without the installation key',
    });
  return out;
}

/** Triage state is the last entry of each finding's history; each entry starts where the one before ended. */
function checkTriage(db: Database.Database, caseId: string): Problem[] {
  const out: Problem[] = [];
  const rows = db
    .prepare(
      `SELECT f.id, f.state,
              (SELECT h.to_state FROM finding_history h WHERE h.case_id = c.id AND h.finding_id = f.id ORDER BY h.seq DESC LIMIT 1) AS projected
       FROM findings f JOIN cases c ON c.key = f.case_key WHERE c.id = ?`,
    )
    .all(caseId) as Array<{ id: string; state: string; projected: string | null }>;
  const off = rows
    .filter((r) => r.state !== (r.projected ?? 'new'))
    .map((r) => `${r.id.slice(0, 80)} is ${r.state}, its history says ${r.projected ?? 'new'}`);
  if (off.length)
    out.push({
      kind: 'triage',
      detail: `${off.length} finding(s) have a triage state their history does not record: ${listed(off)}`,
    });
  const last = new Map<string, string>();
  const broken: string[] = [];
  for (const h of db
    .prepare('SELECT seq, finding_id, from_state, to_state FROM finding_history WHERE case_id = ? ORDER BY seq')
    .iterate(caseId) as IterableIterator<Record<string, string>>) {
    const before = last.get(h.finding_id!) ?? 'new';
    if (h.from_state !== before)
      broken.push(`entry ${h.seq} of ${h.finding_id!.slice(0, 80)} starts from ${h.from_state}, not ${before}`);
    last.set(h.finding_id!, h.to_state!);
  }
  if (broken.length)
    out.push({
      kind: 'triage',
      detail: `${broken.length} triage history entr(ies) do not follow the one before: ${listed(broken)}`,
    });
  return out;
}

interface FindingRow {
  id: string;
  detector: string;
  title: string;
  severity_rank: number;
  summary: string;
  scan_id: string | null;
  result_sha256: string | null;
  suppressed_sha256: string | null;
  suppressed_by: string | null;
  subject: string | null;
}

/**
 * Each finding row against the finding as its scan recorded it (the scan result and the allowlisted findings are
 * content-addressed evidence, named in the signed custody log), and every finding of every scan has its row.
 */
function checkFindings(store: Store, caseId: string, intact: Set<string>): Problem[] {
  const { db } = store;
  const load = (sha: string | null): Map<string, Finding> => {
    const m = new Map<string, Finding>();
    if (!sha || !intact.has(sha)) return m;
    try {
      const j = JSON.parse(store.blobs.get(sha).toString('utf8')) as { findings?: Finding[] } | Finding[];
      for (const f of Array.isArray(j) ? j : (j.findings ?? [])) m.set(f.id, f);
    } catch {
      // An unreadable blob is reported by the hash check.
    }
    return m;
  };
  const rows = db
    .prepare(
      `SELECT f.id, f.detector, f.title, f.severity_rank, f.summary, f.suppressed_by, f.subject, s.id AS scan_id, s.result_sha256, s.suppressed_sha256
       FROM findings f JOIN cases c ON c.key = f.case_key LEFT JOIN scans s ON s.key = f.scan_key WHERE c.id = ? ORDER BY f.scan_key`,
    )
    .iterate(caseId) as IterableIterator<FindingRow>;
  const changed: string[] = [];
  const present = new Set<string>();
  let scan: string | null | undefined;
  let recorded = new Map<string, Finding>();
  let checkable = false;
  for (const r of rows) {
    present.add(r.id);
    if (r.scan_id !== scan) {
      scan = r.scan_id;
      checkable = !!r.result_sha256 && intact.has(r.result_sha256);
      recorded = new Map([...load(r.result_sha256), ...load(r.suppressed_sha256)]);
    }
    if (!r.scan_id) {
      changed.push(`${r.id.slice(0, 80)} names no scan of the case`);
      continue;
    }
    if (!checkable) continue;
    const f = recorded.get(r.id);
    // Scans recorded before allowlisted findings were kept as evidence cannot vouch for those findings.
    if (!f) {
      if (!(r.suppressed_sha256 === null && r.suppressed_by))
        changed.push(`${r.id.slice(0, 80)} is not in the scan it names`);
      continue;
    }
    const diffs: string[] = [];
    if (SEVERITIES[r.severity_rank] !== f.severity)
      diffs.push(`severity ${SEVERITIES[r.severity_rank] ?? r.severity_rank}, recorded ${f.severity}`);
    if (r.title !== f.title) diffs.push('title');
    if (r.detector !== f.detector) diffs.push('detector');
    if (r.summary !== f.summary) diffs.push('summary');
    // Rows written before schema 8 have no subject; a subject that is there must be the recorded one.
    if (r.subject !== null && r.subject !== subjectOf(f)) diffs.push('cause or workload');
    if (diffs.length) changed.push(`${r.id.slice(0, 80)}: ${diffs.join(', ')}`);
  }
  const missing: string[] = [];
  const scans = db.prepare('SELECT id, result_sha256 FROM scans WHERE case_id = ?').all(caseId) as Array<{
    id: string;
    result_sha256: string;
  }>;
  const evidenced = new Set(
    (
      db.prepare("SELECT sha256 FROM evidence WHERE case_id = ? AND kind = 'scan-result'").all(caseId) as Array<{
        sha256: string;
      }>
    ).map((r) => r.sha256),
  );
  for (const s of scans) {
    if (!evidenced.has(s.result_sha256)) missing.push(`the result of scan ${s.id} has no evidence row`);
    for (const id of load(s.result_sha256).keys())
      if (!present.has(id)) missing.push(`${id.slice(0, 80)} of scan ${s.id.slice(0, 8)} has no row`);
  }
  const out: Problem[] = [];
  if (changed.length)
    out.push({
      kind: 'finding',
      detail: `${changed.length} finding(s) differ from the scan that recorded them: ${listed(changed)}`,
    });
  if (missing.length)
    out.push({
      kind: 'finding',
      detail: `${missing.length} recorded finding(s) or scan results are missing from the case: ${listed(missing)}`,
    });
  return out;
}
