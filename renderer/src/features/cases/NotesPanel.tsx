import { useState } from 'react';
import type { Note } from '../../../../shared/domain/case.js';

/**
 * Case notes: written in Markdown, shown as the plain text they are (never rendered as HTML, since notes
 * quote container output). Ctrl+Enter adds; the draft survives a failed save.
 */
export function NotesPanel({ notes, disabled, onAdd }: { notes: Note[]; disabled: boolean; onAdd(markdown: string): Promise<boolean> }) {
  const [draft, setDraft] = useState('');
  const add = async () => {
    if (!draft.trim()) return;
    if (await onAdd(draft)) setDraft('');
  };
  return (
    <section className="cv-panel" aria-label="Notes">
      <h3>Notes</h3>
      <ol className="cv-notes">
        {notes.map((n) => (
          <li key={n.id}>
            <div className="muted small">
              {n.createdAt.slice(0, 19).replace('T', ' ')} · {n.author}
              {n.findingId ? ` · finding ${n.findingId}` : ''}
            </div>
            <pre className="cv-note">{n.markdown}</pre>
          </li>
        ))}
        {notes.length === 0 ? <li className="muted">No notes yet.</li> : null}
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
