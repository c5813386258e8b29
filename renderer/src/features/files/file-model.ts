import type { FileChange } from '@shared/domain/file-change.js';

export type Kind = FileChange['kind'];

export interface FileNode {
  path: string;
  name: string;
  /** Absent for a directory that only appears as the parent of changes. */
  change?: FileChange;
  parent: FileNode | undefined;
  children: FileNode[];
  depth: number;
  /** Changes below this directory, by kind, for the collapsed summary. */
  counts: Record<Kind, number>;
  flagged: number;
  hay: string;
}

export interface FileTree {
  root: FileNode;
  byPath: Map<string, FileNode>;
  total: number;
}

const newNode = (path: string, name: string, depth: number, parent?: FileNode): FileNode => ({
  path,
  name,
  parent,
  children: [],
  depth,
  counts: { added: 0, changed: 0, deleted: 0 },
  flagged: 0,
  hay: path.toLowerCase(),
});

/** Directories before files, then by name (code-point order, like `ls` in the C locale). */
const dirsFirst = (a: FileNode, b: FileNode) => {
  const da = a.children.length > 0;
  if (da !== b.children.length > 0) return da ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
};

/** Flags worth an analyst's eye first: privilege, persistence and hiding. */
export const SEVERE_FILE_FLAGS: ReadonlySet<string> = new Set([
  'immutable',
  'append-only',
  'setuid',
  'setgid',
  'hidden',
]);

/**
 * Tree of the container's changes against its image. Parents the engine did not list are made up so every
 * change has a place; counts roll up so a collapsed /etc still says "3 changed, 1 added".
 */
export function buildFileTree(changes: FileChange[]): FileTree {
  const root = newNode('/', '/', -1);
  const byPath = new Map<string, FileNode>([['/', root]]);
  for (const c of changes) {
    // Slices of the path are flat strings; building prefixes by concatenation made every lookup rehash a rope.
    const path = c.path;
    let parent = root;
    let depth = 0;
    for (let start = 1; start <= path.length;) {
      let end = path.indexOf('/', start);
      if (end < 0) end = path.length;
      if (end === start) {
        start = end + 1;
        continue;
      }
      const cur = path.slice(0, end);
      let n = byPath.get(cur);
      if (!n) {
        n = newNode(cur, path.slice(start, end), depth, parent);
        byPath.set(cur, n);
        parent.children.push(n);
      }
      parent = n;
      depth++;
      start = end + 1;
    }
    if (parent !== root) {
      parent.change = c;
      parent.hay = `${c.path} ${c.kind} ${c.flags.join(' ')} ${c.sha256 ?? ''}`.toLowerCase();
    }
  }
  // Roll counts up in one pass from the deepest nodes.
  const all = [...byPath.values()].sort((a, b) => b.depth - a.depth);
  for (const n of all) {
    if (n.children.length > 1) n.children.sort(dirsFirst);
    if (n === root) continue;
    const parent = n.parent ?? root;
    if (n.change && !n.children.length) {
      parent.counts[n.change.kind]++;
      if (n.change.flags.length) parent.flagged++;
    }
    if (n.change?.flags.length && n.children.length) n.flagged++;
    for (const k of ['added', 'changed', 'deleted'] as const) parent.counts[k] += n.counts[k];
    parent.flagged += n.flagged;
  }
  return { root, byPath, total: changes.length };
}

export interface FileRow {
  node: FileNode;
  match: boolean;
}

export interface FileFilter {
  query: string;
  kinds: ReadonlySet<Kind>;
  flaggedOnly: boolean;
}

/** Rows on screen. Filters keep matching entries and their parents, and open the parents so matches show. */
export function fileRows(tree: FileTree, collapsed: ReadonlySet<string>, f: FileFilter): FileRow[] {
  const q = f.query.trim().toLowerCase();
  const filtering = q !== '' || f.kinds.size < 3 || f.flaggedOnly;
  let keep: Set<FileNode> | undefined;
  const matches = new Set<FileNode>();
  if (filtering) {
    keep = new Set();
    for (const n of tree.byPath.values()) {
      if (!n.change) continue;
      if (!f.kinds.has(n.change.kind)) continue;
      if (f.flaggedOnly && n.change.flags.length === 0) continue;
      if (q && !n.hay.includes(q)) continue;
      matches.add(n);
      for (let node: FileNode | undefined = n; node && !keep.has(node); node = node.parent) keep.add(node);
    }
  }
  const rows: FileRow[] = [];
  const stack: FileNode[] = [];
  const push = (kids: FileNode[]) => {
    for (let i = kids.length - 1; i >= 0; i--) if (!keep || keep.has(kids[i]!)) stack.push(kids[i]!);
  };
  push(tree.root.children);
  while (stack.length) {
    const n = stack.pop()!;
    rows.push({ node: n, match: matches.has(n) });
    if (filtering || !collapsed.has(n.path)) push(n.children);
  }
  return rows;
}
