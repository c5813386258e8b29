import { randomUUID } from 'node:crypto';
import { AppError } from '@shared/errors.js';
import type { Note } from '@shared/domain/case.js';
import { SuppressionSchema, type Suppression } from '@shared/domain/suppression.js';
import { sha256Hex } from './blob-store.js';
import { appendCustody, now, type CaseCore } from './case-core.js';
import { fromRows } from './rows.js';

/**
 * What the analyst writes into a case: notes (an edit is a new version, the old text stays) and the case's
 * allowlist (an entry changes by a new revision). Both are in the custody log.
 */
export class CaseNotes {
  constructor(private readonly core: CaseCore) {}

  /**
   * Adds an allowlist entry to the case, or a new revision of one (same id, next version). Entries use the
   * detectors' suppression format, so scans run while the case is current honour them.
   */
  addSuppression(caseId: string, entry: Omit<Suppression, 'version'>, actor: string): Suppression {
    const { db } = this.core;
    this.core.requireOpen(caseId, 'change its allowlist');
    const last = db
      .prepare('SELECT max(version) AS v FROM case_suppressions WHERE case_id = ? AND id = ?')
      .get(caseId, entry.id) as { v: number | null };
    const parsed = SuppressionSchema.safeParse({ ...entry, version: (last.v ?? 0) + 1, owner: entry.owner ?? actor });
    if (!parsed.success)
      throw new AppError(
        'VALIDATION',
        `Invalid suppression: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      );
    const s = parsed.data;
    this.core.write(caseId, () => {
      db.prepare(
        'INSERT INTO case_suppressions (case_id, id, version, body, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(caseId, s.id, s.version, JSON.stringify(s), now(), actor);
      appendCustody(
        db,
        caseId,
        'suppress',
        `allowlist ${s.id}@v${s.version} for ${s.detectors.join(', ')} where ${JSON.stringify(s.match)}: ${s.reason}`,
        actor,
      );
      this.core.touch(caseId);
    });
    return s;
  }

  /** The newest revision of each allowlist entry of the case. */
  suppressions(caseId: string): Suppression[] {
    this.core.requireCase(caseId);
    const rows = this.core.db
      .prepare(
        'SELECT body FROM case_suppressions s WHERE case_id = ? AND version = (SELECT max(version) FROM case_suppressions t WHERE t.case_id = s.case_id AND t.id = s.id) ORDER BY id',
      )
      .all(caseId) as Array<{ body: string }>;
    return rows.map((r) => SuppressionSchema.parse(JSON.parse(r.body)));
  }

  addNote(caseId: string, markdown: string, findingId: string | undefined, actor: string): Note {
    return this.insertNote(caseId, markdown, findingId, actor);
  }

  /** Edits a note: the edit is a new version that supersedes it; the old text stays in the case. */
  editNote(caseId: string, noteId: string, markdown: string, actor: string): Note {
    const { db } = this.core;
    const old = db.prepare('SELECT finding_id FROM notes WHERE case_id = ? AND id = ?').get(caseId, noteId) as
      { finding_id: string | null } | undefined;
    if (!old) throw new AppError('NOT_FOUND', `No note ${noteId.slice(0, 128)} in this case`);
    if (db.prepare('SELECT 1 FROM notes WHERE case_id = ? AND supersedes = ?').get(caseId, noteId))
      throw new AppError('VALIDATION', `Note ${noteId.slice(0, 128)} was already edited: edit its newest version`);
    return this.insertNote(caseId, markdown, old.finding_id ?? undefined, actor, noteId);
  }

  /** The newest version of each note, in the order they were first written. */
  notes(caseId: string, opts: { versions?: boolean } = {}): Note[] {
    this.core.requireCase(caseId);
    const where = opts.versions
      ? ''
      : 'AND NOT EXISTS (SELECT 1 FROM notes m WHERE m.case_id = n.case_id AND m.supersedes = n.id)';
    const rows = this.core.db
      .prepare(
        `SELECT n.id, n.case_id, n.author, n.created_at, n.markdown, n.finding_id, n.supersedes FROM notes n WHERE n.case_id = ? ${where} ORDER BY n.seq`,
      )
      .all(caseId);
    return fromRows<Note>(rows);
  }

  private insertNote(
    caseId: string,
    markdown: string,
    findingId: string | undefined,
    actor: string,
    supersedes?: string,
  ): Note {
    this.core.requireOpen(caseId, 'add notes');
    if (!markdown.trim()) throw new AppError('VALIDATION', 'A note cannot be empty');
    if (markdown.length > 200_000) throw new AppError('VALIDATION', 'A note is limited to 200,000 characters');
    const note: Note = { id: randomUUID(), caseId, author: actor.slice(0, 256), createdAt: now(), markdown, findingId };
    if (supersedes) note.supersedes = supersedes;
    this.core.write(caseId, () => {
      this.core.db
        .prepare(
          'INSERT INTO notes (id, seq, case_id, author, created_at, markdown, finding_id, supersedes) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM notes WHERE case_id = ?), ?, ?, ?, ?, ?, ?)',
        )
        .run(note.id, caseId, caseId, note.author, note.createdAt, markdown, findingId ?? null, supersedes ?? null);
      const what = `note ${note.id}${supersedes ? ` (edit of ${supersedes})` : ''}${findingId ? ` on finding ${findingId}` : ''}`;
      appendCustody(
        this.core.db,
        caseId,
        'note',
        `${what} (${markdown.length} chars, sha256 ${sha256Hex(markdown)})`,
        actor,
        note.createdAt,
      );
      this.core.touch(caseId);
    });
    return note;
  }
}
