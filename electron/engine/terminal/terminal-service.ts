import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Recording, TerminalSession } from '@shared/api/terminal.js';
import { AppError } from '@shared/errors.js';
import type { EngineRegistry } from '../connections/registry.js';
import type { EventBus } from '../event-bus.js';
import { toAppError } from '../errors.js';
import type { PartialHandlers } from '../handlers.js';
import { cutOffSessions, ExecRecording, finishJournal, sealCutOff, type SealedRecording } from './exec-recording.js';
import { hangUpExec } from './exec-signal.js';
import { TerminalSanitizer, visibleText } from './sanitize.js';

/** Most sessions open at once: each holds a daemon connection. */
export const MAX_SESSIONS = 16;
/** Output is pushed in chunks of at most this many characters, so one burst cannot stall the event channel. */
const CHUNK = 32 * 1024;
/** A session with no input and no attached client for this long belongs to a page that vanished: it is ended. */
export const IDLE_MS = 60_000;

export interface TerminalOptions {
  idleMs?: number;
}

/**
 * The case side of an exec: the case that is current when it starts, its custody log and its evidence. Only the
 * public operations of the case store are used.
 */
export interface ExecCustody {
  currentCase(): string | undefined;
  record(caseId: string, detail: string, actor: string): void;
  store(
    caseId: string,
    data: Buffer,
    meta: {
      kind: string;
      sourceCall: string;
      engineId: string;
      containerId: string;
      collectedAt: string;
      collectedBy: string;
      mediaType: string;
    },
    actor: string,
  ): { sha256: string };
}

/** An exec started elsewhere than a Docker engine (a pod's `pods/exec`): its TTY stream and how to steer it. */
export interface RemoteExec {
  stream: Duplex;
  resize(cols: number, rows: number): void;
  /** Resolves with the exit code when the command ends (undefined when the channel closed without one). */
  exit: Promise<number | undefined>;
  /** Closes the channel. */
  end(): void;
}

interface Session {
  info: TerminalSession;
  engineId: string;
  stream: Readable | Duplex;
  exec?: Docker.Exec;
  remote?: RemoteExec;
  recording?: ExecRecording;
  /** Output passes through it before it reaches the UI or the recording. */
  sanitizer: TerminalSanitizer;
  command: string;
  user: string;
  closing?: Promise<Recording | undefined>;
  /** Last input, and last moment a client was attached (epoch ms). */
  lastInput: number;
  lastClient: number;
}

export interface OpenOptions {
  engineId: string;
  containerId: string;
  tail: number;
  cols?: number;
  rows?: number;
  user: string;
}

/** Engines whose terminal is not a Docker exec: a pod container's goes through pods/exec (see KubeExec). */
export interface OtherTerminals {
  has(engineId: string): boolean;
  terminal(o: {
    engineId: string;
    containerId: string;
    cols?: number;
    rows?: number;
    cmd?: string[];
    user: string;
  }): Promise<TerminalSession>;
}

/**
 * Terminal sessions on containers. Logs mode only reads (follow logs, nothing reaches the container); exec mode
 * runs a command with a TTY and records the whole session as asciicast v2. Output reaches the UI as
 * `terminal.data` events through the VT sanitizer (colours and in-line moves act, everything else is shown as text), input comes back through `terminal.input`.
 */
export class TerminalService {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly engines: EngineRegistry,
    private readonly bus: EventBus,
    private readonly dataDir: string,
    private readonly custody?: ExecCustody,
    opts: TerminalOptions = {},
  ) {
    this.idleMs = Math.max(200, opts.idleMs ?? IDLE_MS);
  }

  handlers(
    others?: OtherTerminals,
  ): Pick<
    Required<PartialHandlers>,
    'terminal.logs' | 'terminal.exec' | 'terminal.input' | 'terminal.resize' | 'terminal.close'
  > {
    return {
      'terminal.logs': async ({ engineId, containerId, tail, cols, rows }, ctx) =>
        this.openLogs({ engineId, containerId, tail, cols, rows, user: ctx.user }),
      'terminal.exec': async ({ engineId, containerId, tail, cols, rows, cmd }, ctx) =>
        others?.has(engineId)
          ? others.terminal({ engineId, containerId, cols, rows, cmd, user: ctx.user })
          : this.openExec({ engineId, containerId, tail, cols, rows, cmd, user: ctx.user }),
      'terminal.input': async ({ sessionId, data }) => ({ accepted: this.input(sessionId, data) }),
      'terminal.resize': async ({ sessionId, cols, rows }) => ({ ok: await this.resize(sessionId, cols, rows) }),
      'terminal.close': async ({ sessionId }) => ({ recording: await this.close(sessionId) }),
    };
  }

  async openLogs(o: OpenOptions): Promise<TerminalSession> {
    const { docker, detail } = await this.prepare(o);
    const tty = Boolean(detail.Config?.Tty);
    let raw: Readable;
    try {
      raw = (await docker
        .getContainer(detail.Id)
        .logs({ follow: true, stdout: true, stderr: true, tail: o.tail, timestamps: false })) as unknown as Readable;
    } catch (e) {
      throw toAppError(e, `container ${detail.Id.slice(0, 12)}`);
    }
    let out: Readable = raw;
    if (!tty) {
      // Without a TTY the daemon multiplexes stdout and stderr with 8-byte frame headers.
      const merged = new PassThrough();
      docker.modem.demuxStream(raw, merged, merged);
      raw.on('end', () => merged.end());
      raw.on('close', () => merged.end());
      out = merged;
    }
    const info = this.register({
      mode: 'logs',
      detail,
      tty,
      engineId: o.engineId,
      stream: raw,
      command: 'logs --follow',
      user: o.user,
    });
    this.pipe(info.sessionId, out, raw);
    return info;
  }

  async openExec(o: OpenOptions & { cmd?: string[] }): Promise<TerminalSession> {
    const { docker, detail } = await this.prepare(o);
    if (!detail.State?.Running)
      throw new AppError(
        'ENGINE_ERROR',
        `Container ${detail.Id.slice(0, 12)} is not running: exec needs a running container`,
      );
    const cmd = o.cmd ?? ['sh'];
    const cols = o.cols ?? 100;
    const rows = o.rows ?? 30;
    const command = cmd.join(' ');
    const sessionId = randomBytes(12).toString('base64url');
    const name = detail.Name.replace(/^\//, '');
    // The custody line and the recording exist before anything runs in the container: a process killed during the
    // session leaves both, and the next start seals them.
    const caseId = this.custody?.currentCase();
    const recording = ExecRecording.start(
      this.dataDir,
      {
        sessionId,
        caseId,
        engineId: o.engineId,
        containerId: detail.Id,
        command: command.slice(0, 8192),
        user: o.user.slice(0, 256),
      },
      { width: cols, height: rows, title: `${name} ${command}`, command, env: { TERM: 'xterm-256color' } },
    );
    if (caseId) {
      try {
        this.custody!.record(
          caseId,
          `exec ${sessionId} starting in container ${detail.Id.slice(0, 12)} (${visibleText(name).slice(0, 128)}) on engine ${o.engineId}: ${visibleText(command).slice(0, 2048)}; recording ${recording.journal.base}.cast`,
          o.user,
        );
      } catch (e) {
        // Nothing ran: the recording is closed and stays in the data directory.
        recording.seal('exec refused: its custody line could not be written');
        recording.done();
        throw e;
      }
    }
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await docker.getContainer(detail.Id).exec({
        Cmd: cmd,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Env: [`COLUMNS=${cols}`, `LINES=${rows}`, 'TERM=xterm-256color'],
      });
      stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
      await exec.resize({ h: rows, w: cols }).catch(() => undefined);
    } catch (e) {
      const err = toAppError(e, `container ${detail.Id.slice(0, 12)}`);
      this.keep(recording, `exec failed to start: ${err.message.slice(0, 300)}`, 'the exec failed to start');
      throw err;
    }
    const info = this.register({
      sessionId,
      mode: 'exec',
      detail,
      tty: true,
      engineId: o.engineId,
      stream,
      exec,
      recording,
      command,
      user: o.user,
    });
    this.pipe(info.sessionId, stream, stream);
    return info;
  }

  /**
   * An exec through another channel (a pod's `pods/exec`), under the same rules as a Docker exec: the custody line
   * and the recording exist before the command starts, the output goes through the sanitizer, the session is
   * recorded as asciicast v2 and kept in the case.
   */
  async openRemoteExec(
    o: OpenOptions & { cmd?: string[] },
    target: { containerId: string; name: string; where: string },
    start: (cmd: string[], cols: number, rows: number) => Promise<RemoteExec>,
  ): Promise<TerminalSession> {
    if (this.sessions.size >= MAX_SESSIONS)
      throw new AppError('ENGINE_ERROR', `Too many terminal sessions open (${MAX_SESSIONS}); close one first`);
    const cmd = o.cmd ?? ['sh'];
    const cols = o.cols ?? 100;
    const rows = o.rows ?? 30;
    const command = cmd.join(' ');
    const sessionId = randomBytes(12).toString('base64url');
    const caseId = this.custody?.currentCase();
    const recording = ExecRecording.start(
      this.dataDir,
      {
        sessionId,
        caseId,
        engineId: o.engineId,
        containerId: target.containerId,
        command: command.slice(0, 8192),
        user: o.user.slice(0, 256),
      },
      { width: cols, height: rows, title: `${target.name} ${command}`, command, env: { TERM: 'xterm-256color' } },
    );
    if (caseId) {
      try {
        this.custody!.record(
          caseId,
          `exec ${sessionId} starting in ${visibleText(target.where).slice(0, 300)} (${target.containerId.slice(0, 12)}) on engine ${o.engineId}: ${visibleText(command).slice(0, 2048)}; recording ${recording.journal.base}.cast`,
          o.user,
        );
      } catch (e) {
        recording.seal('exec refused: its custody line could not be written');
        recording.done();
        throw e;
      }
    }
    let remote: RemoteExec;
    try {
      remote = await start(cmd, cols, rows);
    } catch (e) {
      const err = toAppError(e, target.where);
      this.keep(recording, `exec failed to start: ${err.message.slice(0, 300)}`, 'the exec failed to start');
      throw err;
    }
    const info = this.register({
      sessionId,
      mode: 'exec',
      detail: { Id: target.containerId, Name: target.name } as Docker.ContainerInspectInfo,
      tty: true,
      engineId: o.engineId,
      stream: remote.stream,
      recording,
      command,
      user: o.user,
    });
    this.sessions.get(sessionId)!.remote = remote;
    this.pipe(info.sessionId, remote.stream, remote.stream);
    return info;
  }

  /**
   * Seals the recordings of sessions whose process was killed: each is kept as evidence of the case it started in,
   * with a custody line saying it was cut off. Returns what was sealed.
   */
  recoverCutOff(): SealedRecording[] {
    const out: SealedRecording[] = [];
    for (const j of cutOffSessions(this.dataDir)) {
      try {
        const sealed = sealCutOff(this.dataDir, j);
        this.storeSealed(
          sealed,
          `cut off: the process hosting the session (pid ${j.pid}) ended before it closed; sealed at the next start`,
        );
        finishJournal(this.dataDir, j);
        out.push(sealed);
      } catch {
        // Left in place: the next start tries again, and the files stay in the data directory meanwhile.
      }
    }
    return out;
  }

  input(sessionId: string, data: string): boolean {
    const s = this.get(sessionId);
    // Logs sessions have no stdin: typing there must never reach the container.
    if (s.info.mode !== 'exec' || !('write' in s.stream) || s.closing) return false;
    s.lastInput = Date.now();
    s.recording?.recorder.input(data);
    (s.stream as Duplex).write(data);
    return true;
  }

  async resize(sessionId: string, cols: number, rows: number): Promise<boolean> {
    const s = this.get(sessionId);
    if (!s.exec && !s.remote) return false;
    if (s.remote) s.remote.resize(cols, rows);
    else await s.exec!.resize({ h: rows, w: cols }).catch(() => undefined);
    s.recording?.recorder.resize(cols, rows);
    return true;
  }

  async close(sessionId: string, reason = 'closed by the analyst'): Promise<Recording | undefined> {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    if (s.closing) return s.closing;
    s.closing = (async () => {
      if (s.exec) {
        const left = await this.hangUp(s);
        if (left) reason = `${reason}; ${left}`;
      }
      let remoteExit: number | undefined;
      if (s.remote) {
        // Interrupt and end-of-input on the TTY, then closing stdin; the channel is closed when the shell is gone or
        // after a second, which makes the kubelet end the exec.
        const stream = s.remote.stream;
        if (!stream.destroyed && stream.writable) {
          stream.write('\u0003\u0004');
          stream.end();
        }
        remoteExit = await Promise.race([
          s.remote.exit,
          new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000)),
        ]);
        s.remote.end();
      }
      s.stream.destroy();
      // A sequence cut off by the end of the stream is shown as text.
      const tail = s.sanitizer.end();
      s.recording?.output(Buffer.alloc(0), tail);
      this.emit(s, tail);
      let exitCode: number | undefined = remoteExit;
      if (s.exec)
        exitCode =
          ((await s.exec.inspect().catch(() => undefined)) as { ExitCode?: number | null } | undefined)?.ExitCode ??
          undefined;
      let recording: Recording | undefined;
      if (s.recording) {
        try {
          recording = this.keep(
            s.recording,
            undefined,
            `ended (${reason}${exitCode === undefined ? '' : `, exit code ${exitCode}`})`,
          );
        } catch {
          // The files stay in the data directory under their journal; the next start seals them.
        }
      }
      this.sessions.delete(sessionId);
      if (this.sessions.size === 0) this.stopSweeping();
      this.bus.emit('terminal.exit', { sessionId, reason, exitCode, recording });
      return recording;
    })();
    return s.closing;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id, 'the application stopped')));
  }

  /**
   * Docker has no call to end an exec, and a shell keeps running after its connection closes. Ends it the way a
   * terminal would: interrupt and end-of-input on the TTY, then a hangup signal from the host when the engine is
   * local and the exec's PID is verified to be the container's. Returns what the analyst must be told when the exec
   * could not be ended.
   */
  private async hangUp(s: Session): Promise<string | undefined> {
    const stream = s.stream as Duplex;
    const running = async () =>
      (await s.exec!.inspect().catch(() => undefined)) as { Running?: boolean; Pid?: number } | undefined;
    if (!stream.destroyed && stream.writable) {
      stream.write('\u0003\u0004');
      stream.end();
    }
    for (let i = 0; i < 10; i++) {
      const st = await running();
      if (!st?.Running) return undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
    const st = await running();
    if (!st?.Running || !st.Pid) return undefined;
    const outcome = hangUpExec(st.Pid, s.info.containerId, this.engines.config(s.engineId).endpoint.type === 'unix');
    if (outcome === 'signalled') return undefined;
    return outcome === 'not-local'
      ? 'the exec may still run: the engine is not local, so it could not be sent a hangup'
      : `the exec may still run: its process ${st.Pid} could not be verified as the container's, so it was not signalled`;
  }

  private async prepare(o: OpenOptions) {
    if (this.sessions.size >= MAX_SESSIONS)
      throw new AppError('ENGINE_ERROR', `Too many terminal sessions open (${MAX_SESSIONS}); close one first`);
    const docker = await this.engines.client(o.engineId);
    let detail: Docker.ContainerInspectInfo;
    try {
      detail = await docker.getContainer(o.containerId).inspect();
    } catch (e) {
      throw toAppError(e, `container ${o.containerId.slice(0, 12)}`);
    }
    return { docker, detail };
  }

  private register(p: {
    sessionId?: string;
    mode: 'logs' | 'exec';
    detail: Docker.ContainerInspectInfo;
    tty: boolean;
    engineId: string;
    stream: Readable | Duplex;
    exec?: Docker.Exec;
    recording?: ExecRecording;
    command: string;
    user: string;
  }): TerminalSession {
    const sessionId = p.sessionId ?? randomBytes(12).toString('base64url');
    const info: TerminalSession = {
      sessionId,
      mode: p.mode,
      containerId: p.detail.Id,
      tty: p.tty,
      title: p.detail.Name.replace(/^\//, '').slice(0, 256),
    };
    const now = Date.now();
    this.sessions.set(sessionId, {
      info,
      engineId: p.engineId,
      stream: p.stream,
      exec: p.exec,
      recording: p.recording,
      command: p.command,
      user: p.user,
      sanitizer: new TerminalSanitizer(),
      lastInput: now,
      lastClient: now,
    });
    this.startSweeping();
    return info;
  }

  /**
   * A browser tab that crashed or lost its network never closes its session, and an exec shell would run on in the
   * container with nobody watching. Where the transport counts its clients, a session with neither input nor any
   * client for the idle time is ended like a close: the recording is kept and the exit is announced.
   */
  private sweep(): void {
    const now = Date.now();
    const clients = this.bus.clientCount();
    for (const [id, s] of this.sessions) {
      if (clients === undefined || clients > 0) {
        s.lastClient = now;
        continue;
      }
      if (s.closing || now - s.lastInput < this.idleMs || now - s.lastClient < this.idleMs) continue;
      void this.close(id, `ended after ${Math.round(this.idleMs / 1000)} s without input or an attached client`);
    }
  }

  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.min(5000, Math.max(50, this.idleMs / 4)));
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Forwards output as events; when the stream ends (container stopped, shell exited) the session closes itself. */
  private pipe(sessionId: string, out: Readable, source: Readable): void {
    const s = this.sessions.get(sessionId)!;
    out.on('data', (chunk: Buffer) => {
      const text = s.sanitizer.push(chunk);
      s.recording?.output(chunk, text);
      this.emit(s, text);
    });
    const ended = (why: string) => () => void this.close(sessionId, why);
    out.on('end', ended('the stream ended'));
    source.on('close', ended('the stream ended'));
    source.on('error', (e) => void this.close(sessionId, `stream error: ${String(e.message).slice(0, 200)}`));
  }

  private emit(s: Session, text: string): void {
    if (!text) return;
    const sessionId = s.info.sessionId;
    for (let i = 0; i < text.length; i += CHUNK)
      this.bus.emit('terminal.data', { sessionId, data: text.slice(i, i + CHUNK) });
  }

  /**
   * Seals a recording and keeps it: the cast (what the analyst saw, inert on replay) and the raw output (what the
   * container sent, for forensics) become evidence of the case the session started in, with a custody line; with no
   * case, or a case that no longer takes evidence, the data directory holds them and the custody line says so.
   */
  private keep(recording: ExecRecording, note: string | undefined, outcome: string): Recording {
    const sealed = recording.seal(note);
    const dropped = recording.droppedRawBytes;
    const storedIn = this.storeSealed(
      sealed,
      dropped ? `${outcome}; raw output past ${sealed.raw.bytes} bytes not kept (${dropped} bytes)` : outcome,
    );
    recording.done();
    const j = sealed.journal;
    return {
      path: sealed.cast.path,
      sha256: sealed.cast.sha256,
      bytes: sealed.cast.bytes,
      format: 'asciicast-v2',
      storedIn,
      collectedBy: j.user,
      collectedAt: new Date().toISOString(),
    };
  }

  private storeSealed(sealed: SealedRecording, outcome: string): Recording['storedIn'] {
    const j = sealed.journal;
    if (!j.caseId || !this.custody) return 'data-dir';
    const collectedAt = new Date().toISOString();
    const meta = { engineId: j.engineId, containerId: j.containerId, collectedAt, collectedBy: j.user };
    const summary = `recording ${sealed.cast.sha256} (${sealed.cast.bytes} bytes), raw output ${sealed.raw.sha256} (${sealed.raw.bytes} bytes)`;
    let storedIn: Recording['storedIn'] = 'case';
    try {
      this.custody.store(
        j.caseId,
        readFileSync(sealed.cast.path),
        {
          ...meta,
          kind: 'terminal-recording',
          sourceCall: `exec ${j.command}`.slice(0, 2048),
          mediaType: 'application/x-asciicast',
        },
        j.user,
      );
      this.custody.store(
        j.caseId,
        readFileSync(sealed.raw.path),
        {
          ...meta,
          kind: 'terminal-output-raw',
          sourceCall: `exec ${j.command} (raw output)`.slice(0, 2048),
          mediaType: 'application/octet-stream',
        },
        j.user,
      );
    } catch (e) {
      storedIn = 'data-dir';
      outcome += `; not stored in the case (${(e as Error).message.slice(0, 200)}), kept in the data directory as ${path.basename(sealed.cast.path)}`;
    }
    this.custody.record(j.caseId, `exec ${j.sessionId} ${outcome}; ${summary}`, j.user);
    return storedIn;
  }

  private get(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new AppError('NOT_FOUND', 'No such terminal session (it may have ended)');
    return s;
  }
}
