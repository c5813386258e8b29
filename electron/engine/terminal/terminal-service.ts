import { randomBytes } from 'node:crypto';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Recording, TerminalSession } from '../../../shared/api/terminal.js';
import { AppError } from '../../../shared/errors.js';
import type { EngineRegistry } from '../engines/registry.js';
import type { EventBus } from '../event-bus.js';
import { toAppError } from '../errors.js';
import { AsciicastRecorder, saveRecording } from './asciicast.js';
import { TerminalSanitizer } from './sanitize.js';

/** Most sessions open at once: each holds a daemon connection. */
export const MAX_SESSIONS = 16;
/** Output is pushed in chunks of at most this many characters, so one burst cannot stall the event channel. */
const CHUNK = 32 * 1024;
/** A session with no input and no attached client for this long belongs to a page that vanished: it is ended. */
export const IDLE_MS = 60_000;

export interface TerminalOptions {
  idleMs?: number;
}

/** Where a finished exec recording is kept as case evidence; returns undefined when no case is open. */
export type RecordingStore = (rec: { data: Buffer; engineId: string; containerId: string; command: string; collectedBy: string; collectedAt: string }) => { sha256: string } | undefined;

interface Session {
  info: TerminalSession;
  engineId: string;
  stream: Readable | Duplex;
  exec?: Docker.Exec;
  recorder?: AsciicastRecorder;
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
    private readonly store?: RecordingStore,
    opts: TerminalOptions = {},
  ) {
    this.idleMs = Math.max(200, opts.idleMs ?? IDLE_MS);
  }

  async openLogs(o: OpenOptions): Promise<TerminalSession> {
    const { docker, detail } = await this.prepare(o);
    const tty = Boolean(detail.Config?.Tty);
    let raw: Readable;
    try {
      raw = (await docker.getContainer(detail.Id).logs({ follow: true, stdout: true, stderr: true, tail: o.tail, timestamps: false })) as unknown as Readable;
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
    const info = this.register({ mode: 'logs', detail, tty, engineId: o.engineId, stream: raw, command: 'logs --follow', user: o.user });
    this.pipe(info.sessionId, out, raw);
    return info;
  }

  async openExec(o: OpenOptions & { cmd?: string[] }): Promise<TerminalSession> {
    const { docker, detail } = await this.prepare(o);
    if (!detail.State?.Running) throw new AppError('ENGINE_ERROR', `Container ${detail.Id.slice(0, 12)} is not running: exec needs a running container`);
    const cmd = o.cmd ?? ['sh'];
    const cols = o.cols ?? 100;
    const rows = o.rows ?? 30;
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await docker.getContainer(detail.Id).exec({ Cmd: cmd, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Env: [`COLUMNS=${cols}`, `LINES=${rows}`, 'TERM=xterm-256color'] });
      stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
      await exec.resize({ h: rows, w: cols }).catch(() => undefined);
    } catch (e) {
      throw toAppError(e, `container ${detail.Id.slice(0, 12)}`);
    }
    const command = cmd.join(' ');
    const recorder = new AsciicastRecorder({ width: cols, height: rows, title: `${detail.Name.replace(/^\//, '')} ${command}`.slice(0, 256), command, env: { TERM: 'xterm-256color' } });
    const info = this.register({ mode: 'exec', detail, tty: true, engineId: o.engineId, stream, exec, recorder, command, user: o.user });
    this.pipe(info.sessionId, stream, stream);
    return info;
  }

  input(sessionId: string, data: string): boolean {
    const s = this.get(sessionId);
    // Logs sessions have no stdin: typing there must never reach the container.
    if (s.info.mode !== 'exec' || !('write' in s.stream) || s.closing) return false;
    s.lastInput = Date.now();
    s.recorder?.input(data);
    (s.stream as Duplex).write(data);
    return true;
  }

  async resize(sessionId: string, cols: number, rows: number): Promise<boolean> {
    const s = this.get(sessionId);
    if (!s.exec) return false;
    await s.exec.resize({ h: rows, w: cols }).catch(() => undefined);
    s.recorder?.resize(cols, rows);
    return true;
  }

  async close(sessionId: string, reason = 'closed by the analyst'): Promise<Recording | undefined> {
    const s = this.sessions.get(sessionId);
    if (!s) return undefined;
    if (s.closing) return s.closing;
    s.closing = (async () => {
      if (s.exec) await this.hangUp(s);
      s.stream.destroy();
      // A sequence cut off by the end of the stream is shown as text.
      this.emit(s, s.sanitizer.end());
      let recording: Recording | undefined;
      if (s.recorder) recording = await this.keep(s).catch(() => undefined);
      let exitCode: number | undefined;
      if (s.exec) exitCode = ((await s.exec.inspect().catch(() => undefined)) as { ExitCode?: number | null } | undefined)?.ExitCode ?? undefined;
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
   * terminal would: interrupt and end-of-input on the TTY, then a hangup signal from the host when it is local.
   */
  private async hangUp(s: Session): Promise<void> {
    const stream = s.stream as Duplex;
    const running = async () => ((await s.exec!.inspect().catch(() => undefined)) as { Running?: boolean; Pid?: number } | undefined);
    if (!stream.destroyed && stream.writable) {
      stream.write('\u0003\u0004');
      stream.end();
    }
    for (let i = 0; i < 10; i++) {
      const st = await running();
      if (!st?.Running) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    const st = await running();
    if (st?.Running && st.Pid && this.engines.config(s.engineId).endpoint.type === 'unix') {
      try {
        process.kill(st.Pid, 'SIGHUP');
      } catch {
        // Not ours to signal (remote engine, other user): the exec keeps running and the analyst is told below.
      }
    }
  }

  private async prepare(o: OpenOptions) {
    if (this.sessions.size >= MAX_SESSIONS) throw new AppError('ENGINE_ERROR', `Too many terminal sessions open (${MAX_SESSIONS}); close one first`);
    const docker = await this.engines.client(o.engineId);
    let detail: Docker.ContainerInspectInfo;
    try {
      detail = await docker.getContainer(o.containerId).inspect();
    } catch (e) {
      throw toAppError(e, `container ${o.containerId.slice(0, 12)}`);
    }
    return { docker, detail };
  }

  private register(p: { mode: 'logs' | 'exec'; detail: Docker.ContainerInspectInfo; tty: boolean; engineId: string; stream: Readable | Duplex; exec?: Docker.Exec; recorder?: AsciicastRecorder; command: string; user: string }): TerminalSession {
    const sessionId = randomBytes(12).toString('base64url');
    const info: TerminalSession = { sessionId, mode: p.mode, containerId: p.detail.Id, tty: p.tty, title: p.detail.Name.replace(/^\//, '').slice(0, 256) };
    const now = Date.now();
    this.sessions.set(sessionId, { info, engineId: p.engineId, stream: p.stream, exec: p.exec, recorder: p.recorder, command: p.command, user: p.user, sanitizer: new TerminalSanitizer(), lastInput: now, lastClient: now });
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
    out.on('data', (chunk: Buffer) => this.emit(s, s.sanitizer.push(chunk)));
    const ended = (why: string) => () => void this.close(sessionId, why);
    out.on('end', ended('the stream ended'));
    source.on('close', ended('the stream ended'));
    source.on('error', (e) => void this.close(sessionId, `stream error: ${String(e.message).slice(0, 200)}`));
  }

  private emit(s: Session, text: string): void {
    if (!text) return;
    s.recorder?.output(text);
    const sessionId = s.info.sessionId;
    for (let i = 0; i < text.length; i += CHUNK) this.bus.emit('terminal.data', { sessionId, data: text.slice(i, i + CHUNK) });
  }

  private async keep(s: Session): Promise<Recording> {
    const data = s.recorder!.toBuffer();
    const collectedAt = new Date().toISOString();
    const saved = await saveRecording(this.dataDir, `${collectedAt.replace(/[:.]/g, '-')}-${s.info.containerId.slice(0, 12)}-${s.info.sessionId}`, data);
    let storedIn: Recording['storedIn'] = 'data-dir';
    try {
      if (this.store?.({ data, engineId: s.engineId, containerId: s.info.containerId, command: s.command, collectedBy: s.user, collectedAt })) storedIn = 'case';
    } catch {
      // No open case (or a read-only one): the file in the data directory is the record.
    }
    return { path: saved.path, sha256: saved.sha256, bytes: saved.bytes, format: 'asciicast-v2', storedIn, collectedBy: s.user, collectedAt };
  }

  private get(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new AppError('NOT_FOUND', 'No such terminal session (it may have ended)');
    return s;
  }
}
