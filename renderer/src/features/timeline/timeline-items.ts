import type { EngineEvent } from '@shared/domain/event.js';
import type { FileChange } from '@shared/domain/file-change.js';
import type { Finding, Severity } from '@shared/domain/finding.js';
import { attackLabel } from '@shared/domain/attack-techniques.js';

export type Lane = 'lifecycle' | 'exec' | 'engine' | 'files' | 'findings';
export const LANES: { id: Lane; label: string }[] = [
  { id: 'lifecycle', label: 'Container lifecycle' },
  { id: 'exec', label: 'Exec sessions' },
  { id: 'engine', label: 'Images, networks, volumes' },
  { id: 'files', label: 'File changes (mtime)' },
  { id: 'findings', label: 'Findings' },
];

/** One mark on the timeline, whatever it came from. */
export interface TimelineItem {
  id: string;
  time: number;
  lane: Lane;
  /** Short text on the mark and in the list; always rendered as text. */
  label: string;
  detail: string;
  actor?: string;
  containerId?: string;
  severity?: Severity;
  /** Actions that destroy traces or end processes are drawn louder. */
  loud?: boolean;
  /** Identifiers findings use to point at this item (exec id, event type/action@time). */
  keys?: string[];
  /** Stowaway's own call that caused this event (its footprint), e.g. "top". */
  byStowaway?: string;
}

const LOUD = /^(die|kill|oom|destroy|delete|remove|untag|exec_die)$|^exec_/;

export function eventItem(e: EngineEvent): TimelineItem {
  const time = e.timeNano ? Math.floor(e.timeNano / 1e6) : Date.parse(e.time);
  const verb = e.action.split(':')[0]!.trim();
  const lane: Lane = e.type === 'container' ? (verb.startsWith('exec_') ? 'exec' : 'lifecycle') : 'engine';
  const name = e.actorName ?? e.attributes.name ?? e.actorId.slice(0, 12);
  const attrs = Object.entries(e.attributes)
    .filter(([k]) => k !== 'name')
    .slice(0, 12)
    .map(([k, v]) => `${k}=${v.length > 120 ? `${v.slice(0, 119)}…` : v}`)
    .join(' ');
  return {
    id: `ev:${e.timeNano ?? e.time}:${e.actorId}:${e.action}`.slice(0, 600),
    time,
    lane,
    label: `${e.type} ${e.action}`.slice(0, 300),
    detail: attrs,
    actor: name,
    containerId: e.type === 'container' ? e.actorId : undefined,
    loud: LOUD.test(verb) || verb === 'exec_start',
    keys: [e.attributes.execID, `${e.type}/${e.action}@${e.time}`].filter((k): k is string => !!k),
    byStowaway: e.byStowaway?.call,
  };
}

export function fileItems(files: FileChange[], containerId: string): TimelineItem[] {
  return files
    .filter((f) => f.mtime && !Number.isNaN(Date.parse(f.mtime)))
    .map((f) => ({
      id: `file:${containerId}:${f.path}`,
      time: Date.parse(f.mtime!),
      lane: 'files' as const,
      label: `${f.kind} ${f.path}`,
      detail: [f.size !== undefined ? `${f.size} bytes` : '', f.flags.join(', ')].filter(Boolean).join(' · '),
      containerId,
      loud: f.flags.some((fl) => fl === 'immutable' || fl === 'setuid' || fl === 'elf' || fl === 'hidden'),
    }));
}

export function findingItems(findings: Finding[], containerId?: string): TimelineItem[] {
  return findings
    .filter(
      (f) => f.firstSeen && !Number.isNaN(Date.parse(f.firstSeen)) && (!containerId || f.container?.id === containerId),
    )
    .map((f) => ({
      id: `finding:${f.id}`,
      time: Date.parse(f.firstSeen!),
      lane: 'findings' as const,
      label: f.title,
      detail: `${f.attack.map(attackLabel).join(', ')} · ${f.summary}`,
      actor: f.container?.name,
      containerId: f.container?.id,
      severity: f.severity,
      loud: true,
    }));
}

/** Merges item lists, dropping duplicates (a live event that a reload also returned). */
export function mergeItems(...lists: TimelineItem[][]): TimelineItem[] {
  const seen = new Map<string, TimelineItem>();
  for (const l of lists) for (const i of l) if (!seen.has(i.id)) seen.set(i.id, i);
  return [...seen.values()].sort((a, b) => a.time - b.time);
}
