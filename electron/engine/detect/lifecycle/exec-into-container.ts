import type { ExecRecord } from '@shared/domain/evidence-set.js';
import type { Detector, Hit } from '../detector.js';
import {
  BASE64_TO_SHELL,
  DOWNLOAD_AND_RUN,
  NAMESPACE_ESCAPE,
  REVERSE_SHELL_PATTERNS,
  SHELLS,
} from '../lib/commands.js';
import { oneLine, ref } from '../lib/refs.js';

/** Interactive and privileged exec sessions into running containers, from the event history and exec inspect. */
export const execIntoContainer: Detector = {
  meta: {
    id: 'exec-into-container',
    title: 'Exec session into a container',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1609', 'T1059.004'],
    severity: 'medium',
    kind: 'event',
    dataSources: [
      'engine events: exec_create/exec_start (command in the action string)',
      'exec inspect: ProcessConfig.privileged, user, tty',
    ],
    goal: "Find `docker exec` sessions: interactive shells (tty), privileged execs, and exec commands that download code, open shells or enter host namespaces, which run outside the container's normal process tree and image.",
    blindSpots: [
      'Exec records older than the event window, and exec inspect data after the daemon forgot the exec (it keeps them only while the container exists), are not available.',
      'What was typed inside an interactive shell is not recorded (shell history files may show it).',
      'Kubernetes `kubectl exec` appears here only when the runtime is Docker; otherwise the audit log (pods/exec) is the source.',
    ],
    falsePositives: [
      "Health checks and operators' routine commands. Non-interactive, non-privileged execs without a suspicious command are reported as low; suppress operator tooling by image or label.",
    ],
    response: [
      'Find who ran the exec (engine access logs, CI/automation, operators on call).',
      "Review the container's shell history and filesystem diff from around the exec time.",
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    const byId = new Map(ev.containers.map((c) => [c.container.id, c]));
    // Identical execs (health checks, polling scripts) are one finding with a count, not one per exec id.
    const groups = new Map<string, ExecRecord[]>();
    for (const x of ev.execs) {
      const key = JSON.stringify([x.containerId, x.command, x.tty ?? null, x.privileged ?? null, x.user ?? null]);
      groups.set(key, [...(groups.get(key) ?? []), x]);
    }
    for (const list of groups.values()) {
      const x = list[0]!;
      const last = list[list.length - 1]!;
      const c = byId.get(x.containerId);
      const cmd = x.command;
      const bad =
        DOWNLOAD_AND_RUN.test(cmd) || BASE64_TO_SHELL.test(cmd) || REVERSE_SHELL_PATTERNS.some(([re]) => re.test(cmd));
      const escape = NAMESPACE_ESCAPE.test(cmd);
      const first = (cmd.trim().split(/\s+/)[0] ?? '').split('/').pop() ?? '';
      const shell = SHELLS.has(first);
      const interactive = x.tty === true && shell;
      const sev =
        escape || (bad && x.privileged) ? 'critical' : bad || x.privileged ? 'high' : interactive ? 'medium' : 'low';
      const traits = [
        x.privileged ? 'privileged' : '',
        interactive ? 'interactive shell' : x.tty ? 'with a terminal' : '',
        x.user !== undefined ? `as user ${oneLine(x.user || 'root', 30)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      const name = c?.container.name ?? x.containerId.slice(0, 12);
      const when = list.length > 1 ? `${list.length} times between ${x.time} and ${last.time}` : `at ${x.time}`;
      hits.push({
        container: c,
        subject: c ? undefined : { id: x.containerId, name },
        ref: `exec:${x.tty ? 'tty:' : ''}${x.privileged ? 'priv:' : ''}${x.user ?? ''}:${cmd}`,
        summary: `${bad || escape ? 'Suspicious exec' : 'Exec'} into ${oneLine(name, 60)} ${when}${traits ? ` (${traits})` : ''}: ${oneLine(cmd, 160)}.`,
        evidence: list
          .slice(-8)
          .map((e) =>
            ref(
              'exec',
              e.execId,
              `${e.time} ${oneLine(cmd, 600)}; privileged=${e.privileged ?? '?'} tty=${e.tty ?? '?'} user=${oneLine(e.user ?? '?', 40)}`,
            ),
          ),
        severity: sev,
        attack: bad || escape ? ['T1609', 'T1059.004'] : ['T1609'],
      });
    }
    return hits;
  },
};
