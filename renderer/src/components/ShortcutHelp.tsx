import { GLOBAL_KEYS, type KeyHelp } from '../workbench/key-help.js';

/** The keyboard help: the shell's keys, then those of the view on screen (when it has any). */
export function ShortcutHelp({ onClose, view }: { onClose: () => void; view?: { label: string; keys?: KeyHelp[] } }) {
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onClick={(e) => e.stopPropagation()}
        data-testid="shortcut-help"
      >
        <h2>Keyboard shortcuts</h2>
        <KeyTable title="Everywhere" keys={GLOBAL_KEYS} testId="keys-global" />
        {view?.keys?.length ? <KeyTable title={`In ${view.label}`} keys={view.keys} testId="keys-view" /> : null}
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}

function KeyTable({ title, keys, testId }: { title: string; keys: KeyHelp[]; testId: string }) {
  return (
    <>
      <h3 className="small muted">{title}</h3>
      <table className="kv" data-testid={testId}>
        <tbody>
          {keys.map(([k, v]) => (
            <tr key={k}>
              <th>
                <kbd>{k}</kbd>
              </th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
