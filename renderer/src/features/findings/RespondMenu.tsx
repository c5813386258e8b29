import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useApi } from '../../workbench/api-context.js';
import type { Finding } from '@shared/domain/finding.js';
import type { EngineView } from '@shared/domain/engine.js';
import type { CaseView } from '@shared/api/cases.js';
import { visible } from '../../lib/visible-text.js';
import { ACTION_TEXT, respondMenu, respondRefusal, type RespondAction } from './respond-model.js';

interface Props {
  finding: Finding;
  engine: EngineView | undefined;
  /** The detector's catalogue response, whose named actions the menu puts first. */
  response: readonly string[] | undefined;
  currentCase: CaseView | null | undefined;
}

type Outcome = { ok: true; text: string } | { ok: false; text: string };

/**
 * Containment from a finding: a menu of the actions the detector's catalogue names (then the others), each confirmed
 * in a dialog that says what it changes and which case's custody log records it. The backend checks everything again.
 */
export function RespondMenu({ finding, engine, response, currentCase }: Props) {
  const [open, setOpen] = useState(false);
  const [asked, setAsked] = useState<RespondAction>();
  const menuRef = useRef<HTMLDivElement>(null);
  const refusal = respondRefusal(
    engine,
    finding.container?.id,
    Boolean(currentCase && currentCase.status === 'open' && !currentCase.readOnly),
  );
  const { named, other } = respondMenu(response);
  useEffect(() => {
    if (open) menuRef.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
  }, [open]);
  const onMenuKey = (e: KeyboardEvent) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    const go = (j: number) => items[(j + items.length) % items.length]?.focus();
    const keys: Record<string, () => void> = {
      ArrowDown: () => go(i + 1),
      ArrowUp: () => go(i - 1),
      Home: () => go(0),
      End: () => go(items.length - 1),
      Escape: () => setOpen(false),
      Tab: () => setOpen(false),
    };
    if (!keys[e.key]) return;
    if (e.key !== 'Tab') e.preventDefault();
    e.stopPropagation();
    keys[e.key]!();
  };
  const item = (a: RespondAction) => (
    <button
      key={a}
      type="button"
      role="menuitem"
      className="fv-respond-item"
      onClick={() => {
        setOpen(false);
        setAsked(a);
      }}
      data-testid={`respond-${a}`}
      data-named={named.includes(a)}
    >
      <b>{ACTION_TEXT[a].label}</b> <span className="muted small">{ACTION_TEXT[a].effect}</span>
    </button>
  );
  return (
    <div className="fv-respond">
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={Boolean(refusal)}
        onClick={() => setOpen((o) => !o)}
        data-testid="respond-button"
        title={refusal ?? 'Contain or preserve this container'}
      >
        Respond ▾
      </button>
      {refusal ? (
        <span className="muted small" data-testid="respond-refusal">
          {refusal}
        </span>
      ) : null}
      {open ? (
        <div
          ref={menuRef}
          className="fv-respond-menu"
          role="menu"
          aria-label="Respond"
          onKeyDown={onMenuKey}
          data-testid="respond-menu"
        >
          {named.length ? (
            <div className="fv-respond-head small muted" role="presentation">
              Named by the {finding.detector} response
            </div>
          ) : null}
          {named.map(item)}
          <div className="fv-respond-head small muted" role="presentation">
            {named.length ? 'Other actions' : 'Actions'}
          </div>
          {other.map(item)}
        </div>
      ) : null}
      {asked && currentCase ? (
        <RespondConfirm
          action={asked}
          finding={finding}
          engine={engine!}
          caseView={currentCase}
          onClose={() => setAsked(undefined)}
        />
      ) : null}
    </div>
  );
}

function RespondConfirm({
  action,
  finding,
  engine,
  caseView,
  onClose,
}: {
  action: RespondAction;
  finding: Finding;
  engine: EngineView;
  caseView: CaseView;
  onClose(): void;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  const c = finding.container!;
  const run = async () => {
    setBusy(true);
    try {
      const r = await api.call('respond.run', {
        engineId: engine.id,
        containerId: c.id,
        action,
        caseId: caseView.id,
        confirm: true,
      });
      setOutcome({ ok: true, text: `${ACTION_TEXT[action].label}: ${r.outcome}` });
    } catch (e) {
      setOutcome({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop" onClick={busy ? undefined : onClose}>
      <div
        className="modal fv-respond-confirm"
        role="dialog"
        aria-modal="true"
        aria-labelledby="respond-title"
        data-testid="respond-confirm"
        data-action={action}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && !busy && onClose()}
      >
        <h2 id="respond-title">
          {ACTION_TEXT[action].label} <span className="mono">{visible(c.name)}</span>?
        </h2>
        <p>
          <strong className="warn">This {action === 'preserve' ? 'reads deep into' : 'changes'} the container.</strong>{' '}
          It {ACTION_TEXT[action].effect}.
        </p>
        <p className="muted small">
          Container {c.id.slice(0, 12)} on engine {visible(engine.name)}. The request is written to the custody log of
          case <b>{visible(caseView.name)}</b> before it runs, and its outcome after.
        </p>
        {outcome ? (
          <p
            className={outcome.ok ? 'fv-respond-done' : 'bad'}
            role={outcome.ok ? 'status' : 'alert'}
            data-testid="respond-outcome"
            data-ok={outcome.ok}
          >
            {visible(outcome.text)}
          </p>
        ) : null}
        <div className="fv-respond-actions">
          <button type="button" ref={cancelRef} onClick={onClose} disabled={busy} data-testid="respond-cancel">
            {outcome ? 'Close' : 'Cancel'}
          </button>
          {outcome ? null : (
            <button
              type="button"
              className="danger"
              onClick={() => void run()}
              disabled={busy}
              data-testid="respond-run"
            >
              {busy ? 'Working…' : `${ACTION_TEXT[action].label} container`}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
