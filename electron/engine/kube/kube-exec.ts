import { Duplex, PassThrough, Writable } from 'node:stream';
import type { TerminalSession } from '@shared/api/terminal.js';
import { clip } from '@shared/domain/bounds.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import { AppError } from '@shared/errors.js';
import { artifactRef } from '../collect/artifacts.js';
import { EXEC_PROC_SCRIPT, procSnapshot } from '../collect/exec-capture.js';
import type { RemoteExec, TerminalService } from '../terminal/terminal-service.js';
import { visibleText } from '../terminal/sanitize.js';
import type { KubeContainers } from './kube-containers.js';
import { podExec } from './pod-exec.js';

/**
 * The process list and the terminal of a pod container, through `pods/exec`. Both run something in the pod (and
 * leave an exec in the cluster's audit log), so the UI asks first; each one is written in the current case's
 * custody log before it starts. The process list runs one read-only command and keeps its output as evidence.
 */

export interface KubeExecCustody {
  currentCase(): string | undefined;
  record(caseId: string, detail: string, actor: string): void;
}

const MAX_CAPTURE = 8 * 1024 * 1024;

export class KubeExec {
  constructor(
    private readonly kube: KubeContainers,
    private readonly terminals: TerminalService,
    private readonly custody?: KubeExecCustody,
    private readonly timeoutMs = 20_000,
  ) {}

  private readonly listed = new Map<string, ContainerEvidence>();

  has(engineId: string): boolean {
    return this.kube.has(engineId);
  }

  /**
   * A pod container's evidence: the process listing through pods/exec when `run` (the analyst agreed) and there is
   * none yet or a refresh is asked; otherwise the last listing, or the pod spec alone with a note saying why.
   */
  async evidence(
    engineId: string,
    containerId: string,
    o: { run: boolean; refresh: boolean; user: string },
  ): Promise<ContainerEvidence> {
    const t = await this.kube.target(engineId, containerId);
    const key = `${engineId}\u0000${t.detail.id}`;
    const held = this.listed.get(key);
    if (!o.run || (held && !o.refresh)) {
      if (held) return held;
      return {
        ...empty(t.detail),
        errors: [
          {
            call: clip(`pods/exec ${t.namespace}/${t.pod}/${t.container}`, 512),
            code: 'NOT_ASKED',
            message:
              'Processes of a pod are read through pods/exec, which runs a command in it: only when the analyst asks for them',
          },
        ],
      };
    }
    const ev = await this.processes(engineId, containerId, o.user);
    if (this.listed.size > 256) this.listed.delete(this.listed.keys().next().value!);
    this.listed.set(key, ev);
    return ev;
  }

  /** `ps` as the container's own procfs shows it: every /proc/PID/stat, parsed into the in-container view. */
  async processes(engineId: string, containerId: string, user: string): Promise<ContainerEvidence> {
    const t = await this.kube.target(engineId, containerId);
    if (!t.running)
      throw new AppError(
        'ENGINE_ERROR',
        `Pod container ${visibleText(`${t.namespace}/${t.pod}/${t.container}`).slice(0, 300)} is not running: pods/exec needs a running container`,
      );
    const command = ['/bin/sh', '-c', EXEC_PROC_SCRIPT];
    this.log(
      `pods/exec process listing in pod ${t.namespace}/${t.pod} container ${t.container} (${t.detail.id.slice(0, 12)}) on engine ${engineId}: ${command.join(' ')}`,
      user,
    );
    const kc = await this.kube.kubeConfig(engineId);
    const chunks: Buffer[] = [];
    let size = 0;
    const stdout = new Writable({
      write(c: Buffer, _e, cb) {
        if (size < MAX_CAPTURE) chunks.push(c.subarray(0, MAX_CAPTURE - size));
        size += c.length;
        cb();
      },
    });
    const session = await podExec(kc, {
      namespace: t.namespace,
      pod: t.pod,
      container: t.container,
      command,
      tty: false,
      stdout,
      stderr: new PassThrough().resume(),
    });
    // A command that never ends (a wedged /proc read, a trojaned shell) must not hold the socket forever.
    const timer = setTimeout(() => session.ws.terminate(), this.timeoutMs);
    const exit = await session.exit.finally(() => clearTimeout(timer));
    session.ws.close();
    const raw = Buffer.concat(chunks).toString('utf8');
    const snapshot = procSnapshot(t.detail.id, raw, 'pods/exec');
    const errors =
      exit === 0
        ? []
        : [
            {
              call: clip(`pods/exec ${t.namespace}/${t.pod}/${t.container}`, 512),
              code: 'EXEC_EXIT',
              message:
                exit === undefined
                  ? 'the exec ended without a status (timed out or cut off)'
                  : `the listing command exited with code ${exit}`,
            },
          ];
    if (!snapshot.processes.length && exit !== 0)
      throw new AppError(
        'ENGINE_ERROR',
        `pods/exec in ${visibleText(`${t.namespace}/${t.pod}/${t.container}`).slice(0, 300)} listed no process: ${errors[0]!.message}`,
      );
    return {
      ...empty(t.detail),
      processes: { container: snapshot },
      artifacts: [
        artifactRef(
          'exec',
          clip(`pods/exec ${t.namespace}/${t.pod} -c ${t.container} -- ${command.join(' ')}`, 2048),
          raw,
          t.detail.id,
        ),
      ],
      errors,
    };
  }

  /** An interactive shell in the pod container, recorded and logged as a Docker exec is. */
  async terminal(o: {
    engineId: string;
    containerId: string;
    cols?: number;
    rows?: number;
    cmd?: string[];
    user: string;
  }): Promise<TerminalSession> {
    const t = await this.kube.target(o.engineId, o.containerId);
    if (!t.running)
      throw new AppError(
        'ENGINE_ERROR',
        `Pod container ${visibleText(`${t.namespace}/${t.pod}/${t.container}`).slice(0, 300)} is not running: pods/exec needs a running container`,
      );
    const kc = await this.kube.kubeConfig(o.engineId);
    const start = async (cmd: string[], cols: number, rows: number): Promise<RemoteExec> => {
      const stdin = new PassThrough();
      const stdout = new PassThrough();
      const session = await podExec(kc, {
        namespace: t.namespace,
        pod: t.pod,
        container: t.container,
        command: cmd,
        tty: true,
        stdout,
        stdin,
      });
      session.resize(cols, rows);
      session.ws.on('close', () => stdout.end());
      const stream = Duplex.from({ readable: stdout, writable: stdin });
      return {
        stream,
        resize: (c, r) => session.resize(c, r),
        exit: session.exit,
        end: () => session.ws.close(),
      };
    };
    return this.terminals.openRemoteExec(
      { ...o, tail: 0 },
      {
        containerId: t.detail.id,
        name: t.detail.name,
        where: `pod ${t.namespace}/${t.pod} container ${t.container} (pods/exec)`,
      },
      start,
    );
  }

  private log(detail: string, user: string): void {
    const caseId = this.custody?.currentCase();
    if (caseId) this.custody!.record(caseId, visibleText(detail).slice(0, 4096), user);
  }
}

function empty(container: ContainerEvidence['container']): ContainerEvidence {
  return {
    container,
    processes: {},
    sockets: [],
    files: [],
    tmpfsFiles: [],
    volumeFiles: [],
    fileContents: [],
    engineFiles: [],
    engineFilesRewritten: [],
    mountPoints: [],
    stats: [],
    artifacts: [],
    access: 'api',
    errors: [],
  };
}
