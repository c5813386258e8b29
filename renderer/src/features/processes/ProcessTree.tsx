import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useWorkbench } from '../../workbench/workbench.js';
import { useHotkeys } from '../../lib/use-hotkeys.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { useContainerEvidence } from '../../lib/use-evidence.js';
import { visible, bytes } from '../../lib/visible-text.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { ProcessInfo } from '@shared/domain/process.js';
import { isKubeEngine } from '../../lib/engine-kind.js';
import { buildTree, compareViews, SEVERE_FLAGS, type ProcNode, type ProcTree } from './process-model.js';
import { TreePane, type TreePaneHandle } from './TreePane.js';
import '../../lib/common.css';
import './processes.css';

/** Process tree of the selected container: the host's view beside the container's own, differences marked. */
export function ProcessTreeView() {
  const { engineId, containerId } = useWorkbench();
  // A pod container's processes are read by running a command in it (pods/exec): only once the analyst says so.
  const kube = isKubeEngine(engineId);
  const [allowed, setAllowed] = useState<string>();
  const asked = !kube || (containerId !== undefined && allowed === `${engineId}\u0000${containerId}`);
  const q = useContainerEvidence(engineId, asked ? containerId : undefined, { podExec: kube });
  if (!containerId)
    return (
      <Empty title="Select a container">Its process tree appears here, host view beside the in-container view.</Empty>
    );
  if (!asked) {
    return (
      <div className="state state-empty" data-testid="kube-processes-ask">
        <strong>Processes of a pod are read through pods/exec</strong>
        <div className="muted">
          This runs <code>/bin/sh -c &apos;cat /proc/[0-9]*/stat&apos;</code> inside the pod container. The
          cluster&apos;s audit log records the exec, the container&apos;s own binaries answer (they may lie), and the
          exec is written in the open case&apos;s custody log before it starts. RBAC must allow create on pods/exec.
        </div>
        <button
          type="button"
          className="danger"
          onClick={() => setAllowed(`${engineId}\u0000${containerId}`)}
          data-testid="kube-processes-run"
        >
          Read processes through pods/exec
        </button>
      </div>
    );
  }
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} />;
  if (!q.data) return <Loading what="processes" />;
  return <ProcessTree evidence={q.data} refreshing={q.loading} onRefresh={q.refreshNow} />;
}

type Side = 'host' | 'container';

export function ProcessTree({
  evidence,
  refreshing,
  onRefresh,
}: {
  evidence: ContainerEvidence;
  refreshing?: boolean;
  onRefresh?: () => void;
}) {
  const wb = useWorkbench();
  // A pod read through pods/exec has only the container's own view: it is shown alone, and said to be that.
  const onlyInside = !evidence.processes.host && evidence.processes.container !== undefined;
  const hostProcs = onlyInside ? evidence.processes.container?.processes : evidence.processes.host?.processes;
  const insideProcs = onlyInside ? undefined : evidence.processes.container?.processes;
  const { hostTree, insideTree } = useMemo(() => {
    const cmp = compareViews(hostProcs ?? [], insideProcs);
    return {
      hostTree: buildTree(hostProcs ?? [], cmp.host),
      insideTree: insideProcs ? buildTree(insideProcs, cmp.inside) : undefined,
    };
  }, [hostProcs, insideProcs]);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [sel, setSel] = useState<{ side: Side; pid: number }>();
  const [zoomK, setZoomK] = useState(1);
  const hostPane = useRef<TreePaneHandle>(null);
  const insidePane = useRef<TreePaneHandle>(null);
  const search = useRef<HTMLInputElement>(null);

  // A finding pointed at a process: select it and bring it into view, once per jump, so a live refresh
  // later does not pull the analyst back from wherever they went.
  const applied = useRef<unknown>(undefined);
  useEffect(() => {
    const f = wb.focus;
    if (!f || f.kind !== 'process' || applied.current === f) return;
    const target = resolveProcessRef(f.ref, hostTree, insideTree);
    if (!target) return;
    applied.current = f;
    const { side, pid } = target;
    setSel({ side, pid });
    (side === 'host' ? hostPane : insidePane).current?.reveal(pid);
    (side === 'host' ? hostPane : insidePane).current?.focus();
  }, [wb.focus, hostTree, insideTree]);

  // Open on the most suspicious process, so its details are on screen before the analyst looks for it.
  useEffect(() => {
    if (sel || wb.focus?.kind === 'process') return;
    const first = [...hostTree.byPid.values()].find(
      (n) => n.flags.some((f) => SEVERE_FLAGS.has(f)) || (n.diff && SEVERE_FLAGS.has(n.diff)),
    );
    if (first) setSel({ side: 'host', pid: first.p.pid });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hostTree]);

  useHotkeys({
    s: () => search.current?.focus(),
    'mod+f': () => search.current?.focus(),
  });

  const selectedNode = sel ? (sel.side === 'host' ? hostTree : insideTree)?.byPid.get(sel.pid) : undefined;
  const partner = useMemo(() => partnerOf(sel, hostTree, insideTree), [sel, hostTree, insideTree]);
  const hiddenCount = useMemo(
    () => [...hostTree.byPid.values()].filter((n) => n.diff === 'only-host' || n.flags.includes('hidden')).length,
    [hostTree],
  );
  const flagCounts = useMemo(() => {
    const m = new Map<string, number>();
    for (const t of [hostTree, insideTree])
      for (const n of t?.byPid.values() ?? [])
        for (const f of [...n.flags, ...(n.diff ? [n.diff] : [])]) m.set(f, (m.get(f) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => b[1] - a[1]);
  }, [hostTree, insideTree]);

  const selectHost = useCallback((pid: number) => setSel({ side: 'host', pid }), []);
  const selectInside = useCallback((pid: number) => setSel({ side: 'container', pid }), []);

  if (!hostProcs) {
    return (
      <Empty
        title={
          evidence.container.state === 'running'
            ? 'No process listing was collected'
            : `The container is ${evidence.container.state}`
        }
      >
        {evidence.container.state === 'running'
          ? 'The engine did not answer the process listing; refresh to try again.'
          : 'A stopped container has no processes. Its files and configuration are still in the other views.'}
      </Empty>
    );
  }

  return (
    <div className="pt" data-testid="process-tree" data-count={hostTree.count} data-hidden={hiddenCount}>
      <div className="pt-toolbar">
        <input
          ref={search}
          className="pt-search"
          type="search"
          placeholder="Search pid, user, command, exe, flag  (s)"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setQuery('');
              hostPane.current?.focus();
            }
            if (e.key === 'Enter') hostPane.current?.focus();
          }}
          aria-label="Search processes"
          data-testid="process-search"
        />
        <span className="muted small" data-testid="process-counts">
          {hostTree.count} processes{insideTree ? ` · ${insideTree.count} inside` : ''} ·{' '}
          {hostTree.flagged + (insideTree?.flagged ?? 0)} flagged
          {hiddenCount ? <b className="bad"> · {hiddenCount} hidden from inside</b> : null}
        </span>
        <span className="spacer" />
        <div className="pt-zoom" role="group" aria-label="Zoom">
          <button
            type="button"
            onClick={() => [hostPane, insidePane].forEach((r) => r.current?.zoomBy(1 / 1.25))}
            title="Zoom out (−)"
          >
            −
          </button>
          <span className="mono small">{Math.round(zoomK * 100)}%</span>
          <button
            type="button"
            onClick={() => [hostPane, insidePane].forEach((r) => r.current?.zoomBy(1.25))}
            title="Zoom in (+)"
          >
            +
          </button>
          <button
            type="button"
            onClick={() => [hostPane, insidePane].forEach((r) => r.current?.reset())}
            title="Reset zoom and pan (0)"
          >
            fit
          </button>
        </div>
        {onRefresh ? (
          <button type="button" onClick={onRefresh} disabled={refreshing} title="Collect again">
            {refreshing ? 'Refreshing…' : 'Refresh'}
          </button>
        ) : null}
      </div>
      {flagCounts.length ? (
        <div className="pt-chips" aria-label="Flags present">
          {flagCounts.map(([f, n]) => (
            <button
              key={f}
              type="button"
              className={`chip ${SEVERE_FLAGS.has(f) ? 'chip-bad' : 'chip-warn'} ${query === f ? 'on' : ''}`}
              onClick={() => setQuery(query === f ? '' : f)}
              title={FLAG_HELP[f] ?? f}
            >
              {f} <b>{n}</b>
            </button>
          ))}
        </div>
      ) : null}
      <div className="pt-split">
        <section className="pt-side">
          <header className="pt-head">
            {onlyInside ? (
              <>
                <b>In-container view</b>{' '}
                <span className="muted small">
                  {visible(evidence.processes.container?.source)} · what the container claims; a cluster gives no host
                  view
                </span>
              </>
            ) : (
              <>
                <b>Host view</b>{' '}
                <span className="muted small">
                  {visible(evidence.processes.host?.source)} · cannot be lied to from inside
                </span>
              </>
            )}
          </header>
          <TreePane
            ref={hostPane}
            tree={hostTree}
            query={deferredQuery}
            selected={sel?.side === 'host' ? sel.pid : undefined}
            partner={sel?.side === 'container' ? partner : undefined}
            onSelect={selectHost}
            label="Host view of processes"
            testId="process-tree-host"
            onZoom={setZoomK}
          />
        </section>
        <section className="pt-side narrow">
          <header className="pt-head">
            <b>In-container view</b>{' '}
            <span className="muted small">
              {insideTree ? `${visible(evidence.processes.container?.source)} · what the container claims` : ''}
            </span>
          </header>
          {insideTree ? (
            <>
              <TreePane
                ref={insidePane}
                tree={insideTree}
                query={deferredQuery}
                selected={sel?.side === 'container' ? sel.pid : undefined}
                partner={sel?.side === 'host' ? partner : undefined}
                onSelect={selectInside}
                label="In-container view of processes"
                testId="process-tree-container"
              />
            </>
          ) : onlyInside ? (
            <Empty title="No host view">
              A cluster&apos;s API gives no view of a pod from its node. Connect the node&apos;s Docker engine to
              compare with what the node sees.
            </Empty>
          ) : (
            <Empty title="Not collected">
              The in-container view needs an exec into the container, which a read-only scan does not do. The host view
              on the left is the one to trust.
            </Empty>
          )}
        </section>
      </div>
      <ProcessDetail node={selectedNode} side={sel?.side} />
    </div>
  );
}

/**
 * Finds the process a finding points at. Detectors write "pid 1234" (a host pid when the host view exists)
 * or a mount point such as "/proc/13" (a pid inside the container); a bare number is tried as both.
 */
export function resolveProcessRef(
  ref: string,
  host: ProcTree,
  inside: ProcTree | undefined,
): { side: Side; pid: number } | undefined {
  const proc = /^\/proc\/(\d+)/.exec(ref);
  if (proc) {
    const ns = Number(proc[1]);
    for (const n of host.byPid.values()) if (n.p.nsPid === ns) return { side: 'host', pid: n.p.pid };
    return inside?.byPid.has(ns) ? { side: 'container', pid: ns } : undefined;
  }
  const m = /(\d+)/.exec(ref);
  if (!m) return undefined;
  const pid = Number(m[1]);
  if (host.byPid.has(pid)) return { side: 'host', pid };
  if (inside?.byPid.has(pid)) return { side: 'container', pid };
  return undefined;
}

function partnerOf(
  sel: { side: Side; pid: number } | undefined,
  host: ProcTree,
  inside: ProcTree | undefined,
): number | undefined {
  if (!sel || !inside) return undefined;
  if (sel.side === 'host') {
    const ns = host.byPid.get(sel.pid)?.p.nsPid;
    return ns !== undefined && inside.byPid.has(ns) ? ns : undefined;
  }
  for (const n of host.byPid.values()) if (n.p.nsPid === sel.pid) return n.p.pid;
  return undefined;
}

const FLAG_HELP: Record<string, string> = {
  hidden: 'Seen from the host but missing from the container’s own listing',
  'only-host': 'Seen from the host but missing from the container’s own listing',
  'only-container': 'Listed inside the container but not seen from the host',
  'deleted-exe': 'Runs a binary that was deleted after start',
  memfd: 'Runs from an anonymous memory file (fileless)',
  masquerade: 'Its name does not match the binary it runs',
  'tmp-exe': 'Runs from a temporary, writable directory',
  'kernel-thread-name': 'A user process named like a kernel thread',
  'socket-stdio': 'Standard input/output is a network socket (reverse shell pattern)',
};

function ProcessDetail({ node, side }: { node: ProcNode | undefined; side: Side | undefined }) {
  if (!node)
    return (
      <div className="pt-detail muted small">
        Select a process (click, or focus a tree and use ↑ ↓ ← →). Ctrl/⌘ + wheel zooms, drag pans.
      </div>
    );
  const p: ProcessInfo = node.p;
  const marks = [...node.flags, ...(node.diff ? [node.diff] : [])];
  return (
    <div className="pt-detail" data-testid="process-detail">
      <div className="pt-detail-head">
        <b className="mono">{visible(p.comm)}</b>
        <span className="muted">
          pid {p.pid}
          {p.nsPid !== undefined ? ` (in container ${p.nsPid})` : ''} · ppid {p.ppid} ·{' '}
          {side === 'host' ? 'host view' : 'in-container view'}
        </span>
        {marks.map((f) => (
          <span key={f} className={SEVERE_FLAGS.has(f) ? 'flag flag-bad' : 'flag'} title={FLAG_HELP[f]}>
            {f}
          </span>
        ))}
      </div>
      <dl className="pt-dl">
        <dt>Command line</dt>
        <dd className="mono pre">{visible(p.cmdline, { newlines: true }) || '—'}</dd>
        <dt>Executable</dt>
        <dd className="mono">{visible(p.exe) || '—'}</dd>
        <dt>User</dt>
        <dd>{visible(p.user)}</dd>
        <dt>Started</dt>
        <dd>{p.startTime ?? '—'}</dd>
        {p.stdio?.length ? (
          <>
            <dt>stdin/out/err</dt>
            <dd className="mono">{p.stdio.map((s) => visible(s)).join('  ·  ')}</dd>
          </>
        ) : null}
        {p.socketInodes?.length ? (
          <>
            <dt>Sockets</dt>
            <dd>{p.socketInodes.length} open</dd>
          </>
        ) : null}
        {p.env && Object.keys(p.env).length ? (
          <>
            <dt>Environment</dt>
            <dd className="mono">
              {Object.entries(p.env)
                .map(([k, v]) => `${visible(k)}=${visible(v)}`)
                .join('  ')}
            </dd>
          </>
        ) : null}
        {p.cpuPercent !== undefined || p.rssBytes !== undefined ? (
          <>
            <dt>Resources</dt>
            <dd>
              {p.cpuPercent !== undefined ? `${p.cpuPercent}% CPU` : ''}{' '}
              {p.rssBytes !== undefined ? `${bytes(p.rssBytes)} RSS` : ''}
            </dd>
          </>
        ) : null}
        <dt>Children</dt>
        <dd>{node.descendants ? `${node.children.length} direct, ${node.descendants} in all` : 'none'}</dd>
      </dl>
    </div>
  );
}
