import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import type { ProcessInfo } from '@shared/domain/process.js';

/** The processes to judge: the host view when present (it cannot be faked from inside), else the in-container view. */
export function processesOf(c: ContainerEvidence): { view: 'host' | 'container'; list: ProcessInfo[] } {
  if (c.processes.host) return { view: 'host', list: c.processes.host.processes };
  if (c.processes.container) return { view: 'container', list: c.processes.container.processes };
  return { view: 'host', list: [] };
}

/** Basename of a path, without the " (deleted)" suffix the kernel appends. */
export function exeBase(exe: string): string {
  const clean = exe.replace(/ \(deleted\)$/, '');
  return clean.slice(clean.lastIndexOf('/') + 1);
}

/** Short, stable description of a process for refs: pid is omitted so restarts of the same thing dedupe. */
export const procLabel = (p: ProcessInfo): string => `${p.exe ?? p.comm}`;

/** The name a process runs as: a multi-call binary (busybox, toybox) runs the applet its comm names. */
export function runsAs(p: ProcessInfo): string {
  const exe = exeBase(p.exe ?? '');
  return !exe || exe === 'busybox' || exe === 'toybox' ? p.comm : exe;
}

/** Every name a process goes by: its exe's basename, its comm, and the basename of argv[0] (scripts, applets). */
export const namesOf = (p: ProcessInfo): string[] => [
  ...new Set([p.exe ? exeBase(p.exe) : p.comm, p.comm, exeBase(p.cmdline.split(' ')[0] ?? '')].filter(Boolean)),
];

/** The container's own first process: the lowest PID whose parent is outside the list (what it was started for). */
export function firstProcess(list: ProcessInfo[]): ProcessInfo | undefined {
  const pids = new Set(list.map((p) => p.pid));
  return list.reduce<ProcessInfo | undefined>(
    (a, p) => (!pids.has(p.ppid) && (!a || p.pid < a.pid) ? p : a),
    undefined,
  );
}
