import { useState } from 'react';
import type { Note } from '@shared/domain/case.js';
import { noteHistories } from './note-history.js';

const stamp = (n: Note) => `${n.createdAt.slice(0, 19).replace('T', ' ')} · ${n.author}`;

/**
 * Case notes: written in Markdown, shown as the plain text they are (never rendered as HTML, since notes
 * quote container output). Ctrl+Enter adds; the draft survives a failed save. Notes are append-only: an edit is
 * a new version, and the earlier versions stay listed under it.
 */
export function NotesPanel({
  notes,
  disabled,
  onAdd,
  onEdit,
}: {
  /** Every version of every note (notes.list with versions). */
  notes: Note[];
  disabled: boolean;
  onAdd(markdown: string): Promise<boolean>;
  onEdit(noteId: string, markdown: string): Promise<boolean>;
}) {
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState<{ id: string; text: string }>();
  const add = async () => {
    if (!draft.trim()) return;
    if (await onAdd(draft)) setDraft('');
  };
  const save = async () => {
    if (!editing?.text.trim()) return;
    if (await onEdit(editing.id, editing.text)) setEditing(undefined);
  };
  const histories = noteHistories(notes);
  return (
    <section className="cv-panel" aria-label="Notes">
      <h3>Notes</h3>
      <ol className="cv-notes">
        {histories.map(({ latest: n, earlier }) => (
          <li key={n.id} data-testid="case-note-item">
            <div className="muted small">
              {stamp(n)}
              {n.findingId ? ` · finding ${n.findingId}` : ''}
              {earlier.length
                ? ` · edited (${earlier.length} earlier ${earlier.length === 1 ? 'version' : 'versions'})`
                : ''}
            </div>
            {editing?.id === n.id ? (
              <>
                <textarea
                  aria-label="Edited note (Markdown)"
                  data-testid="case-note-edit-text"
                  rows={3}
                  value={editing.text}
                  onChange={(e) => setEditing({ id: n.id, text: e.target.value })}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void save();
                    if (e.key === 'Escape') setEditing(undefined);
                  }}
                />
                <button
                  type="button"
                  onClick={() => void save()}
                  disabled={!editing.text.trim() || editing.text === n.markdown}
                  data-testid="case-note-save"
                >
                  Save as new version
                </button>
                <button type="button" onClick={() => setEditing(undefined)}>
                  Cancel
                </button>
              </>
            ) : (
              <>
                <pre className="cv-note" data-testid="case-note-text">
                  {n.markdown}
                </pre>
                <button
                  type="button"
                  className="small"
                  disabled={disabled}
                  onClick={() => setEditing({ id: n.id, text: n.markdown })}
                  data-testid="case-note-edit"
                  aria-label={`Edit note of ${stamp(n)}`}
                >
                  Edit
                </button>
              </>
            )}
            {earlier.length ? (
              <ol className="cv-note-versions" aria-label="Earlier versions" data-testid="case-note-versions">
                {earlier.map((v) => (
                  <li key={v.id}>
                    <div className="muted small">earlier version · {stamp(v)}</div>
                    <pre className="cv-note muted">{v.markdown}</pre>
                  </li>
                ))}
              </ol>
            ) : null}
          </li>
        ))}
        {histories.length === 0 ? <li className="muted">No notes yet.</li> : null}
      </ol>
      <textarea
        aria-label="New note (Markdown)"
        data-testid="case-note"
        rows={3}
        placeholder={disabled ? 'Reopen the case to add notes' : 'Note in Markdown, Ctrl+Enter to add'}
        value={draft}
        disabled={disabled}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void add();
        }}
      />
      <button type="button" onClick={() => void add()} disabled={disabled || !draft.trim()} data-testid="case-note-add">
        Add note
      </button>
    </section>
  );
}
