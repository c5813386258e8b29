import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useWorkbench } from '../../workbench/workbench.js';
import { useHotkeys } from '../../lib/use-hotkeys.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useContainerEvidence } from '../../lib/use-evidence.js';
import { bytes, modeString, visible } from '../../lib/visible-text.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { FileChange } from '@shared/domain/file-change.js';
import { buildFileTree, fileRows, SEVERE_FILE_FLAGS, type FileNode, type Kind } from './file-model.js';
import { FileDetail } from './FileDetail.js';
import '../../lib/common.css';
import './files.css';

const ROW_H = 24;
const ALL_KINDS: Kind[] = ['added', 'changed', 'deleted'];

function rewrittenEngineFiles(ev: ContainerEvidence): FileChange[] {
  return ev.engineFiles
    .filter((f) => ev.engineFilesRewritten.includes(f.path))
    .map((f) => ({ path: f.path, kind: 'changed', flags: [], size: f.size, sha256: f.sha256 }));
}

/** Filesystem changes of the selected container against its image. */
export function FsDiffView() {
  const { engineId, containerId } = useWorkbench();
  const q = useContainerEvidence(engineId, containerId);
  if (!containerId) return <Empty title="Select a container">Its changes against the image appear here.</Empty>;
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading what="file changes" />;
  return <FsDiff evidence={q.data} engineId={engineId} refreshing={q.loading} onRefresh={q.refreshNow} />;
}

export function FsDiff({
  evidence,
  engineId,
  refreshing,
  onRefresh,
}: {
  evidence: ContainerEvidence;
  engineId: string | undefined;
  refreshing?: boolean;
  onRefresh?: () => void;
}) {
  const wb = useWorkbench();
  // Scratch tmpfs files are in no layer, so in no diff; they join the tree as what they are: added since start.
  // So do what it wrote to its named volumes, and the engine's hosts and resolv.conf once the container rewrote them.
  const all = useMemo(
    () => [...evidence.files, ...evidence.tmpfsFiles, ...evidence.volumeFiles, ...rewrittenEngineFiles(evidence)],
    [evidence],
  );
  const tree = useMemo(() => buildFileTree(all), [all]);
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const [query, setQuery] = useState('');
  const [kinds, setKinds] = useState<Set<Kind>>(() => new Set(ALL_KINDS));
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [selected, setSelected] = useState<string>();
  // Typing stays immediate; the 100,000-row filter follows as soon as the browser has time.
  const deferredQuery = useDeferredValue(query);
  const deferredKinds = useDeferredValue(kinds);
  const deferredFlagged = useDeferredValue(flaggedOnly);
  const rows = useMemo(
    () => fileRows(tree, collapsed, { query: deferredQuery, kinds: deferredKinds, flaggedOnly: deferredFlagged }),
    [tree, collapsed, deferredQuery, deferredKinds, deferredFlagged],
  );
  const settling = deferredQuery !== query || deferredKinds !== kinds || deferredFlagged !== flaggedOnly;
  // Row positions are only needed for keyboard moves and jumps, so the map is built on first use.
  const indexCache = useRef<{ rows: typeof rows; map: Map<string, number> }>(undefined);
  const index = {
    get(path: string): number | undefined {
      if (indexCache.current?.rows !== rows)
        indexCache.current = { rows, map: new Map(rows.map((r, i) => [r.node.path, i])) };
      return indexCache.current.map.get(path);
    },
  };
  const scroller = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const virt = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 16,
  });
  const totals = tree.root.counts;
  const flaggedTotal = useMemo(() => all.filter((f) => f.flags.length).length, [all]);

  useHotkeys({ s: () => search.current?.focus(), 'mod+f': () => search.current?.focus() });

  // A finding pointed at a file: select it, open its parents, scroll to it; once per jump, so live
  // refreshes leave the analyst where they are.
  const applied = useRef<unknown>(undefined);
  useEffect(() => {
    const f = wb.focus;
    if (!f || f.kind !== 'file' || applied.current === f) return;
    applied.current = f;
    const path = f.ref;
    setSelected(path);
    setQuery('');
    setCollapsed((c) => {
      const n = new Set(c);
      for (let p = tree.byPath.get(path)?.parent; p; p = p.parent) n.delete(p.path);
      return n;
    });
    pending.current = path;
    scroller.current?.focus();
  }, [wb.focus, tree]);
  const pending = useRef<string>(undefined);
  useEffect(() => {
    if (!pending.current) return;
    const i = index.get(pending.current);
    if (i === undefined) return;
    pending.current = undefined;
    virt.scrollToIndex(i, { align: 'center' });
  });

  // Open on the most suspicious change, so the detail pane answers "what is wrong here" at first sight.
  useEffect(() => {
    if (selected || wb.focus?.kind === 'file') return;
    let best: FileNode | undefined;
    for (const n of tree.byPath.values()) {
      if (!n.change || n.children.length) continue;
      if (n.change.flags.some((f) => SEVERE_FILE_FLAGS.has(f))) {
        best = n;
        break;
      }
      best ??= n;
    }
    if (best) setSelected(best.path);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tree]);

  const toggle = useCallback(
    (path: string) =>
      setCollapsed((c) => {
        const n = new Set(c);
        if (!n.delete(path)) n.add(path);
        return n;
      }),
    [],
  );
  const move = (i: number) => {
    const j = Math.max(0, Math.min(rows.length - 1, i));
    const r = rows[j];
    if (!r) return;
    setSelected(r.node.path);
    virt.scrollToIndex(j, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = selected ? (index.get(selected) ?? -1) : -1;
    const node = rows[i]?.node;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / ROW_H) - 1);
    const map: Record<string, () => void> = {
      ArrowDown: () => move(i + 1),
      j: () => move(i + 1),
      ArrowUp: () => move(i - 1),
      k: () => move(i - 1),
      PageDown: () => move(i + page),
      PageUp: () => move(i - page),
      Home: () => move(0),
      End: () => move(rows.length - 1),
      ArrowRight: () => node && node.children.length && collapsed.has(node.path) && toggle(node.path),
      ArrowLeft: () => {
        if (!node) return;
        if (node.children.length && !collapsed.has(node.path)) toggle(node.path);
        else move(node.parent ? (index.get(node.parent.path) ?? i) : i);
      },
    };
    const fn = map[e.key];
    if (fn) {
      e.preventDefault();
      e.stopPropagation();
      fn();
    }
  };
  const setAll = (open: boolean) =>
    setCollapsed(
      open
        ? new Set()
        : new Set([...tree.byPath.values()].filter((n) => n.children.length && n.depth >= 0).map((n) => n.path)),
    );
  const toggleKind = (k: Kind) =>
    setKinds((s) => {
      const n = new Set(s);
      if (!n.delete(k)) n.add(k);
      return n.size ? n : new Set(ALL_KINDS);
    });

  const node = selected ? tree.byPath.get(selected) : undefined;

  return (
    <div className="fd" data-testid="fs-diff" data-count={tree.total} data-rows={rows.length}>
      <div className="fd-toolbar">
        <input
          ref={search}
          type="search"
          className="fd-search"
          placeholder="Filter paths, flags, hashes  (s)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
            if (e.key === 'Enter' || e.key === 'Escape') scroller.current?.focus();
          }}
          aria-label="Filter file changes"
          data-testid="fs-search"
        />
        {ALL_KINDS.map((k) => (
          <button
            key={k}
            type="button"
            className={`chip kind-chip k-${k} ${kinds.has(k) ? 'on' : ''}`}
            aria-pressed={kinds.has(k)}
            onClick={() => toggleKind(k)}
          >
            {KIND_MARK[k]} {k} <b>{totals[k]}</b>
          </button>
        ))}
        <button
          type="button"
          className={`chip chip-bad ${flaggedOnly ? 'on' : ''}`}
          aria-pressed={flaggedOnly}
          onClick={() => setFlaggedOnly(!flaggedOnly)}
          data-testid="fs-flagged"
        >
          flagged <b>{flaggedTotal}</b>
        </button>
        <span className="spacer" />
        <span className="muted small" aria-live="polite">
          {settling
            ? 'filtering…'
            : `${rows.length.toLocaleString()} of ${(tree.byPath.size - 1).toLocaleString()} shown`}
        </span>
        <button type="button" onClick={() => setAll(true)} title="Expand all">
          ⊞
        </button>
        <button type="button" onClick={() => setAll(false)} title="Collapse all">
          ⊟
        </button>
        {onRefresh ? (
          <button type="button" onClick={onRefresh} disabled={refreshing}>
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        ) : null}
      </div>
      {tree.total === 0 ? (
        <Empty title="No changes">
          The container’s filesystem matches its image
          {evidence.container.readonlyRootfs ? ' (its root filesystem is read-only)' : ''}.
        </Empty>
      ) : (
        <div className="fd-split">
          <div className="fd-table">
            <div className="fd-head muted small" aria-hidden>
              <span className="fd-name">path</span>
              <span className="fd-kind">change</span>
              <span className="fd-flags">flags</span>
              <span className="fd-size">size</span>
              <span className="fd-mode">mode</span>
              <span className="fd-mtime">modified</span>
              <span className="fd-hash">sha256</span>
            </div>
            <div
              ref={scroller}
              className="fd-scroll"
              tabIndex={0}
              role="tree"
              aria-label="File changes"
              onKeyDown={onKey}
              data-testid="fs-scroll"
            >
              <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
                {virt.getVirtualItems().map((v) => {
                  const r = rows[v.index]!;
                  return (
                    <FileRowView
                      key={r.node.path}
                      n={r.node}
                      match={r.match}
                      top={v.start}
                      selected={r.node.path === selected}
                      collapsed={collapsed.has(r.node.path)}
                      onSelect={setSelected}
                      onToggle={toggle}
                    />
                  );
                })}
              </div>
              {rows.length === 0 ? <div className="fd-none muted">Nothing matches the filter.</div> : null}
            </div>
          </div>
          <FileDetail node={node} evidence={evidence} engineId={engineId} />
        </div>
      )}
    </div>
  );
}

const KIND_MARK: Record<Kind, string> = { added: 'A', changed: 'C', deleted: 'D' };

/** One drawn row; memoised so scrolling renders only rows that come into view. */
const FileRowView = memo(function FileRowView({
  n,
  match,
  top,
  selected,
  collapsed,
  onSelect,
  onToggle,
}: {
  n: FileNode;
  match: boolean;
  top: number;
  selected: boolean;
  collapsed: boolean;
  onSelect(p: string): void;
  onToggle(p: string): void;
}) {
  const c = n.change;
  const severe = c?.flags.some((f) => SEVERE_FILE_FLAGS.has(f));
  const isDir = n.children.length > 0;
  const dirMode = c?.mode !== undefined && (c.mode & 0o170000) === 0o040000;
  return (
    <div
      className={`fd-row ${selected ? 'sel' : ''} ${severe ? 'severe' : c?.flags.length ? 'notable' : ''} ${match ? 'match' : ''} ${c ? `k-${c.kind}` : 'implicit'}`}
      style={{ transform: `translateY(${top}px)` }}
      role="treeitem"
      aria-selected={selected}
      aria-expanded={isDir ? !collapsed : undefined}
      onClick={() => onSelect(n.path)}
      onDoubleClick={() => isDir && onToggle(n.path)}
      data-testid="fs-row"
      data-path={n.path}
      data-kind={c?.kind ?? ''}
      data-flags={c?.flags.join(' ') ?? ''}
    >
      <span className="fd-name" style={{ paddingLeft: n.depth * 14 }} title={visible(n.path)}>
        {isDir ? (
          <button
            type="button"
            className="fd-twisty"
            aria-label={collapsed ? 'Expand' : 'Collapse'}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(n.path);
            }}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="fd-twisty" />
        )}
        <span className={`fd-icon ${isDir || dirMode ? 'dir' : 'file'}`} aria-hidden />
        <span className={`fd-label ${c?.kind === 'deleted' ? 'strike' : ''}`}>{visible(n.name)}</span>
        {isDir && collapsed ? <Rollup n={n} /> : null}
      </span>
      <span className="fd-kind">{c ? <span className={`kind k-${c.kind}`}>{KIND_MARK[c.kind]}</span> : null}</span>
      <span className="fd-flags">
        {c?.flags.map((f) => (
          <span key={f} className={SEVERE_FILE_FLAGS.has(f) ? 'flag flag-bad' : 'flag flag-dim'}>
            {f}
          </span>
        ))}
      </span>
      <span className="fd-size">{isDir || dirMode ? '' : bytes(c?.size)}</span>
      <span className="fd-mode mono">{modeString(c?.mode)}</span>
      <span className="fd-mtime">{c?.mtime ? c.mtime.slice(0, 19).replace('T', ' ') : ''}</span>
      <span className="fd-hash mono" title={c?.sha256}>
        {c?.sha256?.slice(0, 12) ?? ''}
      </span>
    </div>
  );
});

function Rollup({ n }: { n: FileNode }) {
  return (
    <span className="fd-rollup">
      {n.counts.added ? <span className="k-added">+{n.counts.added}</span> : null}
      {n.counts.changed ? <span className="k-changed">~{n.counts.changed}</span> : null}
      {n.counts.deleted ? <span className="k-deleted">−{n.counts.deleted}</span> : null}
      {n.flagged ? <span className="bad">⚑{n.flagged}</span> : null}
    </span>
  );
}
