import type { ProcessFlag, ProcessInfo } from '@shared/domain/process.js';

/** Why a process stands out when the two views are compared, on top of the collector's own flags. */
export type Difference = 'only-host' | 'only-container';

export interface ProcNode {
  p: ProcessInfo;
  children: ProcNode[];
  depth: number;
  /** Number of processes below this one, for the collapsed badge. */
  descendants: number;
  flags: ProcessFlag[];
  diff?: Difference;
  /** Lower-cased searchable text, built once. */
  hay: string;
}

export interface ProcTree {
  roots: ProcNode[];
  byPid: Map<number, ProcNode>;
  count: number;
  flagged: number;
}

/** Flags that mean "look at this": highlighted in red, the rest in amber. */
export const SEVERE_FLAGS: ReadonlySet<string> = new Set([
  'hidden',
  'deleted-exe',
  'memfd',
  'masquerade',
  'only-host',
  'only-container',
]);

/**
 * Parent/child tree of a process snapshot. A parent missing from the snapshot (the container's init is the
 * child of containerd-shim, or the process is reparented) makes its child a root; cycles from hostile or
 * racing data cannot loop because each pid is placed once.
 */
export function buildTree(
  procs: ProcessInfo[],
  diffOf: (p: ProcessInfo) => Difference | undefined = () => undefined,
): ProcTree {
  const byPid = new Map<number, ProcNode>();
  for (const p of procs) {
    if (byPid.has(p.pid)) continue;
    const flags = p.flags ?? [];
    // The collector's "hidden" already says what "only-host" would: keep one mark.
    const d = diffOf(p);
    const diff = d === 'only-host' && flags.includes('hidden') ? undefined : d;
    byPid.set(p.pid, {
      p,
      children: [],
      depth: 0,
      descendants: 0,
      flags,
      diff,
      hay: `${p.pid} ${p.nsPid ?? ''} ${p.user} ${p.comm} ${p.cmdline} ${p.exe ?? ''} ${flags.join(' ')} ${diff ?? ''}`.toLowerCase(),
    });
  }
  const roots: ProcNode[] = [];
  for (const n of byPid.values()) {
    const parent = n.p.ppid !== n.p.pid ? byPid.get(n.p.ppid) : undefined;
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  // A cycle (a is b's parent and b is a's) leaves both unreachable from the roots: lift them to roots.
  const reached = new Set<ProcNode>();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    reached.add(n);
    stack.push(...n.children);
  }
  for (const n of byPid.values()) if (!reached.has(n)) roots.push(n);
  const rootSet = new Set(roots);
  const byPidOrder = (a: ProcNode, b: ProcNode) => a.p.pid - b.p.pid;
  roots.sort(byPidOrder);
  let flagged = 0;
  // Iterative post-order: depth first, then descendant counts; deep chains must not overflow the stack.
  const order: ProcNode[] = [];
  const seen = new Set<ProcNode>();
  const walk = roots.map((r) => ({ n: r, d: 0 }));
  walk.reverse();
  while (walk.length) {
    const { n, d } = walk.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    n.depth = d;
    if (n.children.some((c) => rootSet.has(c))) n.children = n.children.filter((c) => !rootSet.has(c));
    n.children.sort(byPidOrder);
    order.push(n);
    if (n.flags.length || n.diff) flagged++;
    for (let i = n.children.length - 1; i >= 0; i--) walk.push({ n: n.children[i]!, d: d + 1 });
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    n.descendants = n.children.reduce((s, c) => s + 1 + c.descendants, 0);
  }
  return { roots, byPid, count: byPid.size, flagged };
}

/** Whether a vertical guide continues at one ancestor depth; shared by siblings so deep trees stay linear. */
export interface Guide {
  cont: boolean;
  up: Guide | undefined;
}

export interface Row {
  node: ProcNode;
  guides: Guide | undefined;
  last: boolean;
  match: boolean;
}

/** The guides of a row from the root down: true where an ancestor has later siblings. Built only for drawn rows. */
export function guideArray(g: Guide | undefined): boolean[] {
  const out: boolean[] = [];
  for (let cur = g; cur; cur = cur.up) out.push(cur.cont);
  return out.reverse();
}

/**
 * The rows on screen: expanded nodes in depth-first order. With a query, only matches and their ancestors
 * stay, so a match deep in the tree is never hidden by a collapsed parent.
 */
export function visibleRows(tree: ProcTree, collapsed: ReadonlySet<number>, query: string): Row[] {
  const q = query.trim().toLowerCase();
  let keep: Set<ProcNode> | undefined;
  const matches = new Set<ProcNode>();
  if (q) {
    keep = new Set();
    for (const n of tree.byPid.values()) {
      if (!n.hay.includes(q)) continue;
      matches.add(n);
      let cur: ProcNode | undefined = n;
      while (cur && !keep.has(cur)) {
        keep.add(cur);
        cur = cur.p.ppid !== cur.p.pid ? tree.byPid.get(cur.p.ppid) : undefined;
      }
    }
  }
  const rows: Row[] = [];
  const stack: { n: ProcNode; guides: Guide | undefined; last: boolean }[] = [];
  const pushKids = (kids: ProcNode[], guides: Guide | undefined) => {
    const shown = keep ? kids.filter((k) => keep!.has(k)) : kids;
    for (let i = shown.length - 1; i >= 0; i--) stack.push({ n: shown[i]!, guides, last: i === shown.length - 1 });
  };
  pushKids(tree.roots, undefined);
  while (stack.length) {
    const { n, guides, last } = stack.pop()!;
    rows.push({ node: n, guides, last, match: matches.has(n) });
    if (q || !collapsed.has(n.p.pid)) pushKids(n.children, { cont: !last, up: guides });
  }
  return rows;
}

/**
 * Compares the host's view with the container's own: a process the host sees but the container's `ps`
 * does not is hidden from inside (a rootkit or a namespace trick); one only the container shows was
 * made up. Matched on the namespace pid when the collector recorded it, otherwise on the command.
 */
export function compareViews(
  host: ProcessInfo[],
  inside: ProcessInfo[] | undefined,
): { host: (p: ProcessInfo) => Difference | undefined; inside: (p: ProcessInfo) => Difference | undefined } {
  if (!inside) return { host: () => undefined, inside: () => undefined };
  const insidePids = new Set(inside.map((p) => p.pid));
  const hostNs = new Set(host.map((p) => p.nsPid).filter((x): x is number => x !== undefined));
  const usable = hostNs.size > 0;
  const insideCmd = new Set(inside.map((p) => p.cmdline));
  const hostCmd = new Set(host.map((p) => p.cmdline));
  return {
    host: (p) =>
      usable
        ? p.nsPid !== undefined && !insidePids.has(p.nsPid)
          ? 'only-host'
          : undefined
        : insideCmd.has(p.cmdline)
          ? undefined
          : 'only-host',
    inside: (p) =>
      usable
        ? hostNs.has(p.pid)
          ? undefined
          : 'only-container'
        : hostCmd.has(p.cmdline)
          ? undefined
          : 'only-container',
  };
}
