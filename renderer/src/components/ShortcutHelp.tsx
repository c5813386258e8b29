const SHORTCUTS: [string, string][] = [
  ['j / ↓', 'next container'],
  ['k / ↑', 'previous container'],
  ['/', 'search containers'],
  ['1 … 9', 'switch view'],
  ['n / p', 'next / previous finding'],
  ['t', 'toggle light / dark theme'],
  ['r', 'refresh'],
  ['Esc', 'close dialog, clear search'],
  ['?', 'this help'],
];

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table className="kv">
          <tbody>
            {SHORTCUTS.map(([k, v]) => (
              <tr key={k}>
                <th>
                  <kbd>{k}</kbd>
                </th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
