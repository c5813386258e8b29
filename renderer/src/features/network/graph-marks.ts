import type { NetEdge, NetGraph } from '@shared/api/investigate-network.js';
import type { Finding, Severity } from '@shared/domain/finding.js';
import { worst } from '../../lib/use-latest-findings.js';
import { edgesForSocketRef, parseSocketEvidence } from './socket-ref.js';

export interface Marks {
  nodes: Map<string, Severity>;
  edges: Map<string, Severity>;
  /** Finding titles per element, for the details pane. */
  titles: Map<string, string[]>;
}

/** "10.0.0.5:4444", "[::1]:80", ":4444" or "4444" -> address (maybe empty) and port. */
export function parseSocketRef(ref: string): { address: string; port?: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(ref.trim());
  if (m) return { address: m[1] ?? '', port: Number(m[2]) };
  if (/^\d+$/.test(ref.trim())) return { address: '', port: Number(ref.trim()) };
  return { address: ref.trim() };
}

const edgeMatches = (e: NetEdge, address: string, port?: number) =>
  e.kind !== 'owns' &&
  (port === undefined || e.remotePort === port || e.localPort === port) &&
  (!address || e.remoteAddress === address || e.localAddress === address);

/** Joins findings to graph elements: containers by id, processes by pid, sockets by address and port. */
export function markGraph(graph: NetGraph, findings: Finding[]): Marks {
  const marks: Marks = { nodes: new Map(), edges: new Map(), titles: new Map() };
  const note = (id: string, sev: Severity, title: string, map: Map<string, Severity>) => {
    map.set(id, worst(map.get(id), sev));
    const t = marks.titles.get(id) ?? [];
    if (!t.includes(title) && t.length < 20) t.push(title);
    marks.titles.set(id, t);
  };
  const nodeIds = new Set(graph.nodes.map((n) => n.id));
  for (const f of findings) {
    if (f.state === 'false-positive' || f.state === 'suppressed') continue;
    const cid = f.container?.id;
    if (cid && nodeIds.has(`c:${cid}`)) note(`c:${cid}`, f.severity, f.title, marks.nodes);
    for (const ev of f.evidence) {
      if (ev.kind === 'socket') {
        // Detector refs ("tcp a:p -> b:p", "tcp a:p") and short forms (":p", "a:p") alike.
        const parsed = parseSocketEvidence(ev.ref);
        const hits =
          parsed.local || parsed.remote
            ? edgesForSocketRef(graph, ev.ref, cid).filter(
                (e) => !cid || e.source.includes(cid) || e.target.includes(cid),
              )
            : [];
        const { address, port } = parseSocketRef(ev.ref);
        for (const e of graph.edges) {
          if (cid && !e.source.includes(cid) && !e.target.includes(cid)) continue;
          if (hits.includes(e) || (hits.length === 0 && edgeMatches(e, address, port))) {
            note(e.id, f.severity, f.title, marks.edges);
            if (e.target.startsWith('e:') || e.target.startsWith('l:'))
              note(e.target, f.severity, f.title, marks.nodes);
          }
        }
        const remote = parsed.remote?.address ?? address;
        if (remote && nodeIds.has(`e:${remote}`)) note(`e:${remote}`, f.severity, f.title, marks.nodes);
      } else if (ev.kind === 'process' && cid && /^\d+$/.test(ev.ref) && nodeIds.has(`p:${cid}:${ev.ref}`)) {
        note(`p:${cid}:${ev.ref}`, f.severity, f.title, marks.nodes);
      }
    }
  }
  return marks;
}
