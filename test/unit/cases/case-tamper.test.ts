import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { computeSeal, sealText } from '../../../electron/engine/cases/case-seal.js';
import { keyFile } from '../../../electron/engine/cases/custody-key.js';
import { custodyHash, GENESIS } from '../../../electron/engine/cases/custody-chain.js';
import { generateReport } from '../../../electron/engine/reports/generate-report.js';
import { verifyReport } from '../../../electron/engine/reports/report-seal.js';
import { openCaseDb } from '../../../electron/engine/cases/case-db.js';
import { makeEvidence, makeFindings, makeScan } from '../../helpers/case-fixtures.js';
import { freshCaseStore } from '../../helpers/case-store.js';
import { ROOT } from '../../helpers/cli.js';

/** A case as an investigation leaves it: a scan with critical findings, triage, notes, evidence. */
function investigated(cases: CaseService) {
  const c = cases.create('tamper target');
  const result = makeScan(makeFindings(40));
  cases.addScan(c.id, result, makeEvidence(result));
  const critical = result.findings.filter((f) => f.severity === 'critical');
  cases.setFindingState(c.id, critical[0]!.id, 'confirmed', 'seen live');
  const note = cases.addNote(c.id, 'Root shell found in c-3; isolated at 10:14.');
  cases.addEvidence(c.id, 'attacker script', { kind: 'file', sourceCall: 'archive:/tmp/x.sh', engineId: 'local' });
  return { c, result, critical, note };
}

/** Another process with the database file and sqlite: what an attacker with file access has. */
function attacker(dir: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path.join(dir, 'cases.db'));
  try {
    if (params.length) db.prepare(sql).run(...params);
    else db.exec(sql);
  } finally {
    db.close();
  }
}

const kinds = (r: { problems: Array<{ kind: string }> }) => [...new Set(r.problems.map((p) => p.kind))].sort();

describe('case verify against tampering with the database file', () => {
  const store = freshCaseStore();

  it('passes on an untampered case', async () => {
    const { c } = investigated(store.cases);
    const r = await store.cases.verify(c.id);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('catches critical findings downgraded and dismissed by a direct UPDATE (the findings table has no history of its own)', async () => {
    const { c, critical } = investigated(store.cases);
    attacker(store.dir, "UPDATE findings SET severity_rank = 0, state = 'false-positive' WHERE severity_rank = 3");
    const r = await store.cases.verify(c.id);
    expect(r.ok).toBe(false);
    expect(kinds(r)).toEqual(['finding', 'triage']);
    expect(r.problems.find((p) => p.kind === 'triage')!.detail).toContain(`${critical.length} finding(s)`);
    expect(r.problems.find((p) => p.kind === 'finding')!.detail).toMatch(/severity low, recorded critical/);
  });

  it('catches a dismissal dressed up with a forged history entry', async () => {
    const { c, critical } = investigated(store.cases);
    const f = critical[1]!.id;
    attacker(store.dir, "UPDATE findings SET state = 'false-positive' WHERE id = ?", f);
    attacker(
      store.dir,
      "INSERT INTO finding_history (case_id, finding_id, at, actor, from_state, to_state, reason) VALUES (?, ?, '2026-01-01T00:00:00Z', 'alice', 'new', 'false-positive', 'benign')",
      c.id,
      f,
    );
    const r = await store.cases.verify(c.id);
    expect(kinds(r)).toEqual(['seal']);
    expect(r.problems[0]!.detail).toMatch(/triage history entries: .*added outside Stowaway/);
  });

  it('catches a rewritten note, and the next legitimate write does not bless it', async () => {
    const { c, note } = investigated(store.cases);
    attacker(store.dir, 'DROP TRIGGER IF EXISTS notes_no_update');
    attacker(store.dir, "UPDATE notes SET markdown = 'Nothing found.' WHERE id = ?", note.id);
    const r = await store.cases.verify(c.id);
    expect(r.problems.map((p) => p.detail).join('\n')).toMatch(/notes: .*rewritten/);
    store.cases.addNote(c.id, 'a later, honest note');
    expect((await store.cases.verify(c.id)).problems.map((p) => p.detail).join('\n')).toMatch(/notes: .*rewritten/);
  });

  it('edits a note as a new version; the database refuses to rewrite one', async () => {
    const { c, note } = investigated(store.cases);
    const edit = store.cases.editNote(c.id, note.id, 'Root shell found in c-3; isolated at 10:15.');
    expect(edit.supersedes).toBe(note.id);
    expect(store.cases.notes(c.id).map((n) => n.markdown)).toEqual(['Root shell found in c-3; isolated at 10:15.']);
    expect(store.cases.notes(c.id, { versions: true })).toHaveLength(2);
    expect(() => store.cases.db.prepare("UPDATE notes SET markdown = 'x'").run()).toThrow(/append-only/);
    expect((await store.cases.verify(c.id)).ok).toBe(true);
  });

  it('catches the last custody lines deleted (the chain alone cannot: its end is anchored by the seal)', async () => {
    const { c } = investigated(store.cases);
    attacker(store.dir, 'DROP TRIGGER custody_no_delete');
    attacker(
      store.dir,
      'DELETE FROM custody WHERE case_id = ? AND seq IN (SELECT seq FROM custody WHERE case_id = ? ORDER BY seq DESC LIMIT 2)',
      c.id,
      c.id,
    );
    const r = await store.cases.verify(c.id);
    expect(r.problems.map((p) => p.detail).join('\n')).toMatch(/custody lines: .*\(2 removed\)/);
  });

  it('catches evidence rows deleted', async () => {
    const { c } = investigated(store.cases);
    attacker(store.dir, 'DROP TRIGGER evidence_no_delete');
    attacker(
      store.dir,
      "DELETE FROM evidence WHERE case_id = ? AND kind IN ('container-evidence', 'scan-result')",
      c.id,
    );
    const r = await store.cases.verify(c.id);
    expect(r.ok).toBe(false);
    const text = r.problems.map((p) => p.detail).join('\n');
    expect(text).toMatch(/evidence rows: .*removed/);
    expect(text).toMatch(/has no evidence row/);
  });

  it('catches the whole chain rewritten with recomputed hashes and a recomputed seal, signed or not, without the key', async () => {
    const { c } = investigated(store.cases);
    const db = new Database(path.join(store.dir, 'cases.db'));
    db.exec('DROP TRIGGER custody_no_update; DROP TRIGGER custody_no_delete');
    const lines = db.prepare('SELECT * FROM custody WHERE case_id = ? ORDER BY seq').all(c.id) as Array<
      Record<string, string>
    >;
    db.prepare('DELETE FROM custody WHERE case_id = ?').run(c.id);
    let prev = GENESIS;
    // The story is retold without the triage line; every hash follows from the one before.
    for (const l of lines.filter((x) => x.action !== 'triage')) {
      const hash = custodyHash(prev, {
        caseId: c.id,
        at: l.at!,
        actor: l.actor!,
        action: l.action!,
        detail: l.detail!,
      });
      db.prepare(
        'INSERT INTO custody (case_id, at, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(c.id, l.at, l.actor, l.action, l.detail, prev, hash);
      prev = hash;
    }
    const old = JSON.parse((db.prepare('SELECT seal FROM cases WHERE id = ?').get(c.id) as { seal: string }).seal) as {
      key: string;
    };
    const forged = sealText(computeSeal(db, c.id, old.key));
    const { privateKey } = generateKeyPairSync('ed25519');
    db.prepare('UPDATE cases SET seal = ?, seal_sig = ? WHERE id = ?').run(
      forged,
      sign(null, Buffer.from(forged), privateKey).toString('base64'),
      c.id,
    );
    db.close();
    const r = await store.cases.verify(c.id);
    expect(r.problems.find((p) => p.kind === 'custody-chain')).toBeUndefined();
    expect(kinds(r)).toEqual(['signature']);
    expect(r.problems[0]!.detail).toMatch(/rewritten without the installation key/);
    // Without a signature at all it fails too.
    attacker(store.dir, 'UPDATE cases SET seal_sig = NULL WHERE id = ?', c.id);
    expect((await store.cases.verify(c.id)).problems.map((p) => p.detail).join('\n')).toMatch(/not signed/);
  });

  it('catches a removed seal, and a case flipped out of read-only', async () => {
    const { c } = investigated(store.cases);
    attacker(store.dir, 'UPDATE cases SET read_only = 1 WHERE id = ?', c.id);
    expect((await store.cases.verify(c.id)).problems.map((p) => p.detail).join('\n')).toMatch(
      /readOnly is true but the seal records false/,
    );
    attacker(store.dir, 'UPDATE cases SET seal = NULL, seal_sig = NULL WHERE id = ?', c.id);
    // Reopening the store does not re-seal it: only the upgrade that introduced seals does that.
    store.cases.dispose();
    const again = new CaseService(store.dir, 'alice');
    try {
      expect((await again.verify(c.id)).problems.map((p) => p.detail).join('\n')).toMatch(/carries no seal/);
    } finally {
      again.dispose();
    }
  });

  it('rechecks blob hashes on every read, and put repairs a same-size alteration', async () => {
    const { c } = investigated(store.cases);
    const item = store.cases.addEvidence(c.id, 'exact bytes 0001', {
      kind: 'file',
      sourceCall: 'archive:/e',
      engineId: 'local',
    });
    writeFileSync(store.cases.blobs.pathOf(item.sha256), 'exact bytes 0002');
    expect(() => store.cases.readEvidence(c.id, item.sha256)).toThrow(/altered/);
    const again = store.cases.addEvidence(c.id, 'exact bytes 0001', {
      kind: 'file',
      sourceCall: 'archive:/e2',
      engineId: 'local',
    });
    expect(again.sha256).toBe(item.sha256);
    expect(store.cases.readEvidence(c.id, item.sha256).toString()).toBe('exact bytes 0001');
    expect(
      store.cases.custody(c.id).some((l) => l.detail.includes(`blob ${item.sha256}`) && l.detail.includes('restored')),
    ).toBe(true);
    expect((await store.cases.verify(c.id)).ok).toBe(true);
  });

  it('keeps the database, its WAL and shared memory, and the key readable by their owner only', () => {
    investigated(store.cases);
    for (const f of ['cases.db', 'cases.db-wal', 'cases.db-shm'])
      expect((statSync(path.join(store.dir, f)).mode & 0o777).toString(8), f).toBe('600');
    expect((statSync(keyFile(store.dir)).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(path.dirname(keyFile(store.dir))).mode & 0o777).toString(8)).toBe('700');
    expect(readFileSync(path.join(store.dir, 'cases.db')).includes(Buffer.from('PRIVATE KEY'))).toBe(false);
  });

  it('seals the cases of an older database on upgrade, and catches tampering after it', async () => {
    const file = path.join(store.dir, 'old', 'cases.db');
    const old = openCaseDb(file, { migrateTo: 5 });
    const t = '2025-01-01T00:00:00Z';
    old
      .prepare(
        "INSERT INTO cases (id, key, name, status, created_at, updated_at) VALUES ('c1', 1, 'legacy', 'open', ?, ?)",
      )
      .run(t, t);
    const h = custodyHash(GENESIS, { caseId: 'c1', at: t, actor: 'old', action: 'create', detail: 'created' });
    old
      .prepare(
        "INSERT INTO custody (case_id, at, actor, action, detail, prev_hash, hash) VALUES ('c1', ?, 'old', 'create', 'created', ?, ?)",
      )
      .run(t, GENESIS, h);
    old
      .prepare(
        "INSERT INTO notes (id, case_id, author, created_at, markdown) VALUES ('n1', 'c1', 'old', ?, 'legacy note')",
      )
      .run(t);
    old
      .prepare(
        "INSERT INTO scans (id, key, case_id, engine_id, scanned_at, duration_ms, result_sha256, container_count, finding_count, error_count) VALUES ('s1', 1, 'c1', 'e', ?, 1, ?, 0, 1, 0)",
      )
      .run(t, 'ab'.repeat(32));
    // Allowlisted at scan time, with no history entry: the upgrade records it.
    old
      .prepare(
        "INSERT INTO findings (case_key, id, scan_key, detector, title, severity_rank, attack, kind, summary, evidence, state, suppressed_by) VALUES (1, 'f1', 1, 'd', 't', 3, '', 'state', 's', '[]', 'suppressed', 'x@v1')",
      )
      .run();
    old.close();
    const cases = new CaseService(path.dirname(file), 'alice');
    try {
      expect(cases.history('c1', 'f1').map((x) => x.to)).toEqual(['suppressed']);
      const first = await cases.verify('c1');
      expect(first.problems.filter((p) => p.kind !== 'finding')).toEqual([]);
      attacker(path.dirname(file), "UPDATE findings SET state = 'false-positive'");
      expect(kinds(await cases.verify('c1'))).toContain('triage');
    } finally {
      cases.dispose();
    }
  });
});

describe('reports carry the custody head, the seal and its signature', () => {
  const store = freshCaseStore();

  it('a JSON report verifies with the key it carries and with the trusted key; an altered one does not', async () => {
    const { c } = investigated(store.cases);
    const r = await generateReport(store.cases, c.id, 'json', []);
    const json = JSON.parse(r.bytes.toString()) as {
      seal: { payload: string; signature: string; publicKey: string };
      custody: Array<{ detail: string }>;
    };
    const head = JSON.parse(json.seal.payload).custody.head as string;
    const check = verifyReport(r.bytes, store.cases.key().publicPem);
    expect(check.problems).toEqual([]);
    expect(check.custody!.head).toBe(head);
    expect(check.keyFingerprint).toBe(store.cases.key().fingerprint);

    const altered = structuredClone(json);
    altered.custody[1]!.detail = 'nothing was scanned';
    expect(verifyReport(Buffer.from(JSON.stringify(altered))).problems.join('\n')).toMatch(
      /custody log .* is not the one the seal vouches for/,
    );
    // A report re-signed by someone else's key verifies only against that key, not the trusted one.
    const other = generateKeyPairSync('ed25519');
    const forged = {
      ...json,
      seal: {
        ...json.seal,
        publicKey: other.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        signature: sign(null, Buffer.from(json.seal.payload), other.privateKey).toString('base64'),
      },
    };
    expect(verifyReport(Buffer.from(JSON.stringify(forged)), store.cases.key().publicPem).ok).toBe(false);

    // The recipient can check the signature with openssl alone.
    const dir = store.dir;
    writeFileSync(path.join(dir, 'pub.pem'), json.seal.publicKey);
    writeFileSync(path.join(dir, 'seal.txt'), json.seal.payload);
    writeFileSync(path.join(dir, 'seal.sig'), Buffer.from(json.seal.signature, 'base64'));
    const ossl = (payload: string) =>
      spawnSync(
        'openssl',
        [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          path.join(dir, 'pub.pem'),
          '-rawin',
          '-in',
          payload,
          '-sigfile',
          path.join(dir, 'seal.sig'),
        ],
        { encoding: 'utf8' },
      );
    expect(ossl(path.join(dir, 'seal.txt')).stdout).toMatch(/Signature Verified Successfully/);
    writeFileSync(path.join(dir, 'seal2.txt'), json.seal.payload.replace(/"n":\d+/, '"n":1'));
    expect(ossl(path.join(dir, 'seal2.txt')).status).not.toBe(0);
  });

  it('HTML and Markdown reports print the head and the seal token, which `stowaway case verify --report` checks', async () => {
    const { c } = investigated(store.cases);
    const pub = path.join(store.dir, 'trusted.pem');
    writeFileSync(pub, store.cases.key().publicPem);
    const files: string[] = [];
    for (const format of ['html', 'md'] as const) {
      // Each export adds a custody line, so each report carries the head of its own moment.
      const head = JSON.parse(store.cases.seal(c.id)!.seal).custody.head as string;
      const text = (await generateReport(store.cases, c.id, format, [])).bytes.toString();
      expect(text).toContain(head);
      const file = path.join(store.dir, `report.${format}`);
      writeFileSync(file, text);
      files.push(file);
      expect(verifyReport(Buffer.from(text), store.cases.key().publicPem).problems).toEqual([]);
      // A signature over other bytes: the token's payload is altered by one character.
      const token = /stowaway-seal:([A-Za-z0-9_-]+)/.exec(text)![1]!;
      const body = JSON.parse(Buffer.from(token, 'base64url').toString()) as { payload: string };
      body.payload = body.payload.replace(
        head,
        head.replace(/^./, (x) => (x === 'a' ? 'b' : 'a')),
      );
      const altered = path.join(store.dir, `altered.${format}`);
      writeFileSync(altered, text.replace(token, Buffer.from(JSON.stringify(body)).toString('base64url')));
      files.push(altered);
    }
    // The command, run where no case database exists: a recipient's machine.
    const cli = spawnSync(
      'sh',
      [
        '-c',
        files
          .map(
            (f) => `node --import tsx electron/cli/main.ts case verify --report '${f}' --key '${pub}'; echo "exit $?"`,
          )
          .join('; '),
      ],
      { encoding: 'utf8', cwd: ROOT, env: { ...process.env, STOWAWAY_DATA_DIR: path.join(store.dir, 'elsewhere') } },
    );
    const blocks = cli.stdout.split(/exit \d+\n/);
    expect(cli.stdout.match(/exit (\d+)/g), cli.stderr).toEqual(['exit 0', 'exit 1', 'exit 0', 'exit 1']);
    expect(blocks[0]).toMatch(/^OK: .*custody head [0-9a-f]{64} \(\d+ lines\), signed by SHA256:/);
    expect(blocks[1]).toMatch(/FAILED[\s\S]*signature does not match/);
  }, 300_000);
});
