import type { Client as SshClient, ClientChannel } from 'ssh2';
import { AppError } from '@shared/errors.js';

/** A request is short (inspect, list, changes); a stream holds its channel for long (events, logs -f, stats, exec). */
export type ChannelKind = 'request' | 'stream';

export interface ChannelPoolOptions {
  openConnection(): Promise<SshClient>;
  openChannel(conn: SshClient): Promise<ClientChannel>;
  /** Channels per connection before the server has told us its limit; sshd's default MaxSessions is 10. */
  maxChannels: number;
  maxConnections: number;
  /**
   * Channels being opened at once per connection. Each one starts a login shell and a `docker` process on the
   * server, which can take seconds; a warm channel answers in milliseconds, so a queue drains faster through the
   * channels already open than by starting many more at once.
   */
  maxOpening: number;
  /** An idle kept-alive channel is closed after this long, so it stops holding one of the server's sessions. */
  idleMs: number;
  /** A queued acquire fails when the pool made no progress at all for this long. */
  stallMs: number;
  keepAlive: boolean;
  target: string;
  /** Called once when the last connection closes without close() being asked for. */
  onLost?: (reason: string) => void;
}

interface Conn {
  client: SshClient;
  primary: boolean;
  cap: number;
  /** Channels the server counts: established and not yet closed (idle, busy and closing ones). */
  open: Set<ClientChannel>;
  pending: number;
  streams: number;
  closed: boolean;
}

interface Pooled {
  conn: Conn;
  kind: ChannelKind;
  idleTimer?: NodeJS.Timeout;
  closing: boolean;
}

interface Waiter {
  kind: ChannelKind;
  resolve(ch: ClientChannel): void;
  reject(e: Error): void;
  since: number;
}

const RETRY_BASE_MS = 50;
const RETRY_MAX_MS = 2000;
const MAX_OPEN_ATTEMPTS = 8;

/**
 * Channels to the remote Engine API over a few ssh connections, never more per connection than the server
 * allows. sshd refuses a session past its MaxSessions with "open failed" and closes channels asynchronously, so
 * the count includes channels still being opened and those not yet confirmed closed. On "open failed" the pool
 * lowers its cap to what the server accepted and retries with backoff. Streams may take at most half of the first
 * connection, so requests always have capacity; more streams open a further connection.
 */
export class ChannelPool {
  private conns: Conn[] = [];
  private connecting?: Promise<Conn>;
  private connectBlockedUntil = 0;
  private openBlockedUntil = 0;
  private failures = 0;
  private readonly meta = new Map<ClientChannel, Pooled>();
  private readonly idle: ClientChannel[] = [];
  private readonly queue: Waiter[] = [];
  private learnedCap?: number;
  private lastProgress = Date.now();
  private wake?: NodeJS.Timeout;
  private stallTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: ChannelPoolOptions) {}

  /** What the pool holds now, for tests and diagnostics. */
  stats() {
    return {
      connections: this.conns.length,
      channels: this.conns.map((c) => c.open.size + c.pending),
      caps: this.conns.map((c) => c.cap),
      streams: this.conns.map((c) => c.streams),
      idle: this.idle.length,
      queued: this.queue.length,
    };
  }

  /** The first connection, opened if needed: lets callers learn early that auth or the host key fails. */
  async connect(): Promise<SshClient> {
    if (this.conns[0]) return this.conns[0].client;
    return (await this.addConnection()).client;
  }

  acquire(kind: ChannelKind): Promise<ClientChannel> {
    if (this.closed)
      return Promise.reject(new AppError('ENGINE_UNREACHABLE', `The ssh session to ${this.o.target} was closed`));
    return new Promise((resolve, reject) => {
      const now = Date.now();
      this.queue.push({ kind, resolve, reject, since: now });
      this.armStallCheck();
      this.pump();
    });
  }

  /** The channel finished its request with a reusable connection (http's 'free'). */
  release(ch: ClientChannel): void {
    const m = this.meta.get(ch);
    if (!m || m.closing) return;
    this.progress();
    if (m.kind === 'stream') {
      m.kind = 'request';
      m.conn.streams--;
    }
    if (!this.o.keepAlive || !ch.writable || this.closed) return this.retire(ch);
    this.makeIdle(ch, m);
  }

  private makeIdle(ch: ClientChannel, m: Pooled): void {
    this.idle.push(ch);
    m.idleTimer = setTimeout(() => this.retire(ch), this.o.idleMs);
    m.idleTimer.unref?.();
    this.pump();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.wake);
    clearInterval(this.stallTimer);
    const err = new AppError('ENGINE_UNREACHABLE', `The ssh session to ${this.o.target} was closed`);
    for (const w of this.queue.splice(0)) w.reject(err);
    for (const c of this.conns) {
      c.closed = true;
      c.client.end();
    }
    this.conns = [];
  }

  private pump(): void {
    if (this.closed) return;
    let requestWaits = false;
    for (let i = 0; i < this.queue.length; i++) {
      const w = this.queue[i]!;
      // Requests are served in order: once one waits, later ones may only start channels, never take an idle one
      // first. Each waiter beyond the channels already opening starts one (up to maxOpening), so a burst of
      // requests grows the pool at once instead of one channel per served request.
      if (w.kind === 'request' && requestWaits) this.grow(w);
      else if (this.serve(w)) this.queue.splice(i--, 1);
      else if (w.kind === 'request') requestWaits = true;
    }
  }

  /** Gives the waiter an idle channel; otherwise starts what will give it one (a channel, a connection). */
  private serve(w: Waiter): boolean {
    const fits = (c: Conn) => w.kind === 'request' || c.streams < this.streamBudget(c);
    const idleIdx = this.idle.findIndex((ch) => fits(this.meta.get(ch)!.conn));
    if (idleIdx >= 0) {
      const ch = this.idle.splice(idleIdx, 1)[0]!;
      const m = this.meta.get(ch)!;
      clearTimeout(m.idleTimer);
      this.assign(m, w.kind);
      w.resolve(ch);
      return true;
    }
    return this.grow(w);
  }

  /** Starts what will give the waiter a channel: a new channel on a connection with room, or a connection. */
  private grow(w: Waiter): false {
    const fits = (c: Conn) => w.kind === 'request' || c.streams < this.streamBudget(c);
    // Every waiter beyond the channels already opening asks for one more, up to the cap.
    const waiting = this.queue.filter((q) => q.kind === w.kind).indexOf(w);
    const opening = this.conns.reduce((n, c) => n + c.pending, 0);
    if (waiting < opening) return false;
    const now = Date.now();
    const conn = this.conns.find((c) => !c.closed && c.open.size + c.pending < c.cap && fits(c));
    if (conn && conn.pending < this.o.maxOpening) {
      if (now >= this.openBlockedUntil) this.openOn(conn);
      else this.wakeAt(this.openBlockedUntil);
      return false;
    }
    if (conn) return false;
    // A full connection whose idle channels cannot take a stream: close one to make room for it.
    const full = this.conns.find((c) => !c.closed && fits(c) && this.idle.some((ch) => this.meta.get(ch)!.conn === c));
    if (full) {
      this.retire(this.idle.find((ch) => this.meta.get(ch)!.conn === full)!);
      return false;
    }
    if (this.needsConnection(w))
      void this.addConnection().then(
        () => this.pump(),
        () => undefined,
      );
    return false;
  }

  private wakeAt(t: number): void {
    if (this.wake) return;
    this.wake = setTimeout(
      () => {
        this.wake = undefined;
        this.pump();
      },
      Math.max(0, t - Date.now()),
    );
  }

  /** Streams may fill further connections, but only half of the first one: requests keep the rest. */
  private streamBudget(c: Conn): number {
    return c.primary ? c.cap - Math.max(1, Math.ceil(c.cap / 2)) : c.cap;
  }

  private needsConnection(w: Waiter): boolean {
    if (this.connecting) return false;
    if (this.conns.length === 0) return true;
    if (this.conns.length >= this.o.maxConnections || Date.now() < this.connectBlockedUntil) return false;
    // One connection is enough for requests, unless streams hold every channel the server allows on each: streams
    // taken while the limit was still unknown keep their channels when a refusal lowers it, and would never leave
    // a request one. Otherwise a further connection is opened only for streams that find no room.
    return w.kind === 'stream' || this.conns.every((c) => c.closed || c.streams >= c.cap);
  }

  private assign(m: Pooled, kind: ChannelKind): void {
    if (kind === 'stream') m.conn.streams++;
    m.kind = kind;
  }

  /** Opens a channel that joins the idle ones once ready; the first waiter it suits takes it. */
  private openOn(conn: Conn): void {
    conn.pending++;
    this.o.openChannel(conn.client).then(
      (ch) => {
        conn.pending--;
        this.failures = 0;
        this.progress();
        const m: Pooled = { conn, kind: 'request', closing: false };
        this.meta.set(ch, m);
        conn.open.add(ch);
        // An idle channel whose remote end goes away must not take the process down.
        ch.on('error', () => undefined);
        ch.once('close', () => this.forget(ch));
        if (this.closed || conn.closed) return ch.close();
        this.makeIdle(ch, m);
      },
      (e: Error) => {
        conn.pending--;
        this.failures++;
        const refused = /open failed|Channel open failure/i.test(e.message);
        if (refused) {
          // The server counts what it has accepted; that is its limit on this connection.
          conn.cap = Math.max(1, Math.min(conn.cap, conn.open.size));
          this.learnedCap = conn.cap;
        }
        const nothingOpen = this.conns.every((c) => c.open.size === 0 && c.pending === 0);
        if (nothingOpen && (!refused || this.failures >= MAX_OPEN_ATTEMPTS)) {
          // No channel can be had at all (no docker on the remote, the server refuses every session): say why.
          for (const w of this.queue.splice(0)) w.reject(e);
          this.failures = 0;
          return;
        }
        this.openBlockedUntil =
          Date.now() +
          Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(this.failures - 1, 10)) * (0.5 + Math.random() / 2);
        this.pump();
      },
    );
  }

  private addConnection(): Promise<Conn> {
    this.connecting ??= this.o
      .openConnection()
      .then((client) => {
        const conn: Conn = {
          client,
          primary: this.conns.length === 0,
          cap: this.learnedCap ?? this.o.maxChannels,
          open: new Set(),
          pending: 0,
          streams: 0,
          closed: false,
        };
        if (this.closed) {
          client.end();
          throw new AppError('ENGINE_UNREACHABLE', `The ssh session to ${this.o.target} was closed`);
        }
        this.conns.push(conn);
        client.once('close', () => this.dropConnection(conn));
        return conn;
      })
      .catch((e: unknown) => {
        if (this.conns.length === 0) {
          // No connection at all: everyone waiting learns why (auth, host key, refused).
          for (const w of this.queue.splice(0)) w.reject(e as Error);
        } else {
          this.connectBlockedUntil = Date.now() + RETRY_MAX_MS;
        }
        throw e;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  private dropConnection(conn: Conn): void {
    const wasOpen = !conn.closed;
    conn.closed = true;
    this.conns = this.conns.filter((c) => c !== conn);
    if (this.conns[0]) this.conns[0].primary = true;
    for (const ch of [...conn.open]) this.forget(ch);
    if (this.closed || !wasOpen) return;
    if (this.conns.length === 0) {
      const err = new AppError('ENGINE_UNREACHABLE', `The ssh connection to ${this.o.target} closed`);
      for (const w of this.queue.splice(0)) w.reject(err);
      this.o.onLost?.(`ssh connection to ${this.o.target} closed`);
    } else {
      this.pump();
    }
  }

  private retire(ch: ClientChannel): void {
    const m = this.meta.get(ch);
    if (!m || m.closing) return;
    m.closing = true;
    clearTimeout(m.idleTimer);
    const i = this.idle.indexOf(ch);
    if (i >= 0) this.idle.splice(i, 1);
    // Still counted in conn.open until the server confirms the close.
    ch.close();
  }

  private forget(ch: ClientChannel): void {
    const m = this.meta.get(ch);
    if (!m) return;
    this.meta.delete(ch);
    clearTimeout(m.idleTimer);
    const i = this.idle.indexOf(ch);
    if (i >= 0) this.idle.splice(i, 1);
    m.conn.open.delete(ch);
    if (m.kind === 'stream') m.conn.streams--;
    this.progress();
    this.pump();
  }

  private progress(): void {
    this.lastProgress = Date.now();
  }

  /** Queued acquires fail only when nothing in the pool moved for stallMs (a hung server), not for a long queue. */
  private armStallCheck(): void {
    if (this.stallTimer) return;
    this.stallTimer = setInterval(
      () => {
        if (this.queue.length === 0) {
          clearInterval(this.stallTimer);
          this.stallTimer = undefined;
          return;
        }
        const now = Date.now();
        const stale = this.queue.filter((w) => now - Math.max(w.since, this.lastProgress) > this.o.stallMs);
        for (const w of stale) {
          this.queue.splice(this.queue.indexOf(w), 1);
          w.reject(
            new AppError(
              'ENGINE_TIMEOUT',
              `${this.o.target} gave no ssh channel for ${Math.round(this.o.stallMs / 1000)} s`,
            ),
          );
        }
      },
      Math.min(1000, this.o.stallMs),
    );
    this.stallTimer.unref?.();
  }
}
