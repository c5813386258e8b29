import type { FileChange } from '../../../../shared/domain/file-change.js';

export type Kind = FileChange['kind'];

export interface FileNode {
  path: string;
  name: string;
  /** Absent for a directory that only appears as the parent of changes. */
  change?: FileChange;
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

const newNode = (path: string, name: string, depth: number): FileNode => ({ path, name, children: [], depth, counts: { added: 0, changed: 0, deleted: 0 }, flagged: 0, hay: path.toLowerCase() });

/** Flags worth an analyst's eye first: privilege, persistence and hiding. */
export const SEVERE_FILE_FLAGS: ReadonlySet<string> = new Set(['immutable', 'append-only', 'setuid', 'setgid', 'hidden']);

/**
 * Tree of the container's changes against its image. Parents the engine did not list are made up so every
 * change has a place; counts roll up so a collapsed /etc still says "3 changed, 1 added".
 */
export function buildFileTree(changes: FileChange[]): FileTree {
  const root = newNode('/', '/', -1);
  const byPath = new Map<string, FileNode>([['/', root]]);
  for (const c of changes) {
    const parts = c.path.split('/').filter(Boolean);
    let parent = root;
    let cur = '';
    for (let i = 0; i < parts.length; i++) {
      cur += `/${parts[i]}`;
      let n = byPath.get(cur);
      if (!n) {
        n = newNode(cur, parts[i]!, i);
        byPath.set(cur, n);
        parent.children.push(n);
      }
      parent = n;
    }
    if (parent !== root) {
      parent.change = c;
      parent.hay = `${c.path} ${c.kind} ${c.flags.join(' ')} ${c.sha256 ?? ''}`.toLowerCase();
    }
  }
  // Roll counts up in one pass from the deepest nodes.
  const all = [...byPath.values()].sort((a, b) => b.depth - a.depth);
  for (const n of all) {
    n.children.sort((a, b) => (a.children.length > 0) === (b.children.length > 0) ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.children.length > 0 ? -1 : 1);
    if (n === root) continue;
    const parent = byPath.get(n.path.slice(0, n.path.lastIndexOf('/')) || '/')!;
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
      let p = n.path;
      for (;;) {
        const node = tree.byPath.get(p);
        if (!node || keep.has(node)) break;
        keep.add(node);
        if (p === '/') break;
        p = p.slice(0, p.lastIndexOf('/')) || '/';
      }
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
