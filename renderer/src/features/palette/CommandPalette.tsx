import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { visible } from '../../lib/visible-text.js';
import { search, type PaletteItem } from './palette-model.js';
import './palette.css';

/**
 * Ctrl/Cmd-K: one box that jumps to any container, finding or view, or runs an action. Arrows move, Enter runs,
 * Escape closes; the list is a listbox the input controls, so screen readers follow the active option.
 */
export function CommandPalette({
  items,
  onClose,
  loading,
}: {
  items: PaletteItem[];
  onClose(): void;
  loading?: boolean;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const found = useMemo(() => search(items, query), [items, query]);
  useEffect(() => setActive(0), [query]);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  const run = (item: PaletteItem | undefined) => {
    if (!item) return;
    onClose();
    item.run();
  };
  const onKey = (e: KeyboardEvent) => {
    const moves: Record<string, () => void> = {
      ArrowDown: () => setActive((a) => Math.min(found.length - 1, a + 1)),
      ArrowUp: () => setActive((a) => Math.max(0, a - 1)),
      PageDown: () => setActive((a) => Math.min(found.length - 1, a + 8)),
      PageUp: () => setActive((a) => Math.max(0, a - 8)),
      Enter: () => run(found[active]),
      Escape: () => onClose(),
    };
    const fn = moves[e.key];
    if (!fn) return;
    e.preventDefault();
    e.stopPropagation();
    fn();
  };

  return (
    <div className="modal-backdrop palette-backdrop" onMouseDown={onClose}>
      <div
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Command palette"
        onMouseDown={(e) => e.stopPropagation()}
        data-testid="palette"
      >
        <input
          ref={input}
          className="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-autocomplete="list"
          aria-activedescendant={found[active] ? `palette-${active}` : undefined}
          aria-label="Jump to a container, finding or view, or run an action"
          placeholder="Jump to a container, finding, view or action…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKey}
          data-testid="palette-input"
        />
        <ul ref={list} id="palette-list" className="palette-list" role="listbox" aria-label="Results">
          {found.map((item, i) => (
            <li
              key={item.id}
              id={`palette-${i}`}
              data-index={i}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'on' : ''}
              onMouseMove={() => setActive(i)}
              onClick={() => run(item)}
              data-testid="palette-item"
              data-item-id={item.id}
            >
              <span className="palette-group">{item.group}</span>
              <span className="palette-label">{visible(item.label)}</span>
              {item.hint ? <span className="palette-hint">{visible(item.hint)}</span> : null}
            </li>
          ))}
        </ul>
        <div className="palette-foot small muted" aria-live="polite">
          {found.length === 0
            ? 'Nothing matches.'
            : `${found.length}${found.length === 50 ? '+' : ''} result${found.length === 1 ? '' : 's'}`}
          {loading ? ' · loading findings…' : ''} · <kbd>↑</kbd>
          <kbd>↓</kbd> move · <kbd>Enter</kbd> go · <kbd>Esc</kbd> close
        </div>
      </div>
    </div>
  );
}
