import { RespondActionSchema } from '@shared/api/respond.js';

export type RespondAction = (typeof RespondActionSchema.options)[number];
export const RESPOND_ACTIONS: readonly RespondAction[] = RespondActionSchema.options;

/** What each action does to the container, in the words the confirmation shows. */
export const ACTION_TEXT: Record<RespondAction, { label: string; effect: string }> = {
  isolate: { label: 'Isolate', effect: 'disconnects it from every network; its processes keep running for forensics' },
  pause: { label: 'Pause', effect: 'freezes every process (cgroup freezer); memory and sockets stay as they are' },
  unpause: { label: 'Unpause', effect: 'lets its frozen processes run again' },
  stop: { label: 'Stop', effect: 'stops it (SIGTERM, then SIGKILL after 10 s); what lives only in memory is lost' },
  preserve: {
    label: 'Preserve',
    effect: 'collects its filesystem diff, process executables, maps, environ and logs as hashed evidence in the case',
  },
};

/**
 * The actions a detector's catalogue response names, in the catalogue's words: "isolate the container", "stop it",
 * "preserve", "dump the process memory". Matching whole words keeps "stopping" and "an isolated analysis host" out.
 */
const NAMED: [RespondAction, RegExp][] = [
  ['isolate', /\bisolate\b|\bdisconnect\b/],
  ['pause', /\bpause\b|\bfreeze\b/],
  ['stop', /\bstop\b/],
  ['preserve', /\bpreserv(e|ing)\b|\bdump\b|\bmemory\b|\bcollect (its|the)\b/],
];

export function namedActions(response: readonly string[]): RespondAction[] {
  const text = response.join(' ').toLowerCase();
  return NAMED.filter(([, re]) => re.test(text)).map(([a]) => a);
}

/** The menu: the catalogue's actions first, then the rest, so any action stays one step away. */
export function respondMenu(response: readonly string[] | undefined): {
  named: RespondAction[];
  other: RespondAction[];
} {
  const named = namedActions(response ?? []);
  return { named, other: RESPOND_ACTIONS.filter((a) => !named.includes(a)) };
}

/** Why the menu cannot act here, or undefined when it can. */
export function respondRefusal(
  engine: { kind: string; endpoint: { type: string } } | undefined,
  containerId: string | undefined,
  caseOpen: boolean,
): string | undefined {
  if (!containerId) return 'The finding is about no single container.';
  if (!engine) return 'The engine of this finding is not in the rail.';
  if (engine.endpoint.type === 'bundle') return 'Read-only evidence bundle: there is no live container to act on.';
  if (engine.kind === 'kubernetes') return 'Response acts on Docker engines only.';
  if (!caseOpen) return 'Open or create a case first: every action is recorded in its custody log.';
  return undefined;
}
