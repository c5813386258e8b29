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
