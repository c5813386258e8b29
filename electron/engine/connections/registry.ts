import type Docker from 'dockerode';
import type { EngineConfig, EngineState, EngineView } from '@shared/domain/engine.js';
import { AppError } from '@shared/errors.js';
import type { EventBus } from '../event-bus.js';
import { toAppError } from '../errors.js';
import { createDockerClient, DEFAULT_CALL_TIMEOUT_MS, endpointUrl } from '../docker/client.js';
import { createSshDockerClient } from '../ssh/ssh-docker.js';
import { probeKubeContext } from '../kube/contexts-probe.js';
import { checkApiVersion } from './api-version.js';
import { Backoff } from './backoff.js';
import { withTimeout } from './with-timeout.js';
import { resolveDataDir } from '../data-dir.js';
import { trustedKnownHostsPath } from '../ssh/trust-host-key.js';
import { LIVE_DOCKER, type EngineCapabilities, type EngineSource } from './engine-source.js';
import { assertTransportAllowed, insecureTransport } from './transport-security.js';

/** dockerode reads `abortSignal` on ping and version as on its other calls; only its typings leave it out. */
interface AbortablePing {
  ping(o: { abortSignal: AbortSignal }): Promise<unknown>;
  version(o: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion>;
}
const abortable = (d: Docker) => d as unknown as AbortablePing;

/** A client plus what it takes to close it and learn that it dropped (ssh sessions report their end). */
export interface Connection {
  docker: Docker;
  dispose?: () => void;
}

export interface FactoryContext {
  timeoutMs: number;
  /** Called by transports that notice a drop by themselves (an ssh session closing). */
  onLost: (reason: string) => void;
}

/** Builds a client for an engine config. */
export type ClientFactory = (
  config: EngineConfig,
  ctx: FactoryContext,
) => Docker | Connection | Promise<Docker | Connection>;

export interface RegistryOptions {
  factory?: ClientFactory;
  /** Time-out of every Engine API call (idle socket time). */
  callTimeoutMs?: number;
  /** How often connected engines are pinged to notice a restart or a drop; 0 turns the monitor off. */
  healthIntervalMs?: number;
  /** Pinging over ssh is cheap on the persistent session, but still costs a round trip: do it less often. */
  sshHealthIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Stowaway's own known_hosts; defaults to the one in the data directory named by env. */
  trustedKnownHosts?: string;
}

interface Entry {
  config: EngineConfig;
  state: EngineState;
  client?: Docker;
  dispose?: () => void;
  connecting?: Promise<EngineState>;
  health?: NodeJS.Timeout;
  retry?: NodeJS.Timeout;
  backoff: Backoff;
  everConnected: boolean;
  /** Bumped on every teardown, so an attempt that finishes after its engine was removed or reset is discarded. */
  generation: number;
}

/**
 * Holds every engine the analyst can reach, its client and its connection state. Engines are independent:
 * one slow or dead host never blocks another. A connected engine that stops answering turns 'lost' and is
 * retried with exponential backoff (published as retryInMs) until it answers again.
 */
export class EngineRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly sources: EngineSource[] = [];
  private readonly factory: ClientFactory;
  private readonly opts: Required<Omit<RegistryOptions, 'factory' | 'env' | 'home'>> &
    Pick<RegistryOptions, 'env' | 'home'>;

  constructor(
    private readonly bus: EventBus,
    factoryOrOptions?: ClientFactory | RegistryOptions,
  ) {
    const o: RegistryOptions =
      typeof factoryOrOptions === 'function' ? { factory: factoryOrOptions } : (factoryOrOptions ?? {});
    this.opts = {
      callTimeoutMs: o.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
      healthIntervalMs: o.healthIntervalMs ?? 5_000,
      sshHealthIntervalMs: o.sshHealthIntervalMs ?? 30_000,
      backoff: o.backoff ?? { initialMs: 1_000, maxMs: 30_000 },
      env: o.env,
      home: o.home,
      trustedKnownHosts: o.trustedKnownHosts ?? trustedKnownHostsPath(resolveDataDir(o.env ?? process.env)),
    };
    this.factory =
      o.factory ?? ((c, ctx) => defaultFactory(c, ctx, this.opts.env, this.opts.home, this.opts.trustedKnownHosts));
  }

  /** Adds a kind of engine; the first source that has an engine answers for it (the last added is the fallback). */
  addSource(source: EngineSource): void {
    this.sources.push(source);
  }

  /** The source that answers for an engine: undefined only on a registry that was given none. */
  source(id: string): EngineSource | undefined {
    return this.sources.find((s) => s.has(id));
  }

  /** What an engine can be asked; an engine no source claims is a live Docker engine. */
  capabilities(id: string): EngineCapabilities {
    return this.source(id)?.capabilities(id) ?? LIVE_DOCKER;
  }

  /** Replaces the set of known engines, keeping connections of engines that did not change. */
  setEngines(configs: EngineConfig[]): void {
    const next = new Map<string, Entry>();
    // Read-only engines (opened bundles) are not discovered or saved engines: rediscovery keeps them.
    for (const [id, e] of this.entries) if (this.readOnly(id) && !configs.some((c) => c.id === id)) next.set(id, e);
    for (const config of configs) {
      const old = this.entries.get(config.id);
      const same =
        old &&
        JSON.stringify(old.config.endpoint) === JSON.stringify(config.endpoint) &&
        old.config.apiVersion === config.apiVersion;
      next.set(config.id, same ? Object.assign(old, { config }) : this.fresh(config));
    }
    for (const [id, e] of this.entries) if (next.get(id) !== e) this.teardown(e);
    this.entries.clear();
    for (const [k, v] of next) this.entries.set(k, v);
  }

  add(config: EngineConfig): void {
    const old = this.entries.get(config.id);
    if (old) this.teardown(old);
    this.entries.set(config.id, this.fresh(config));
  }

  remove(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    this.teardown(e);
    this.entries.delete(id);
    return true;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  list(): EngineView[] {
    return [...this.entries.values()].map((e) => {
      const insecure = insecureTransport(e.config.endpoint);
      return { ...e.config, state: e.state, ...(insecure ? { insecure } : {}) };
    });
  }

  config(id: string): EngineConfig {
    return this.entry(id).config;
  }

  state(id: string): EngineState {
    return this.entry(id).state;
  }

  /** The connected client; connects first when needed and throws the connection error otherwise. */
  async client(id: string): Promise<Docker> {
    const e = this.entry(id);
    // File changes, stats and logs need a node's runtime; processes and terminals of pods go through pods/exec instead.
    if (e.config.kind === 'kubernetes')
      throw new AppError(
        'VALIDATION',
        `"${e.config.name}" is a Kubernetes context: file changes, stats and logs need the node's runtime (connect the node's Docker engine for them); processes and the terminal go through pods/exec`,
      );
    if (this.readOnly(id))
      throw (
        this.source(id)?.refusal?.(id) ??
        new AppError('FORBIDDEN', `"${e.config.name.slice(0, 256)}" is read-only: this needs a live engine`)
      );
    if (e.state.status !== 'connected' || !e.client) {
      const st = await this.connect(id);
      if (st.status !== 'connected')
        throw new AppError((st.errorCode as AppError['code']) ?? 'ENGINE_UNREACHABLE', st.reason ?? 'not connected');
    }
    return e.client!;
  }

  /** Connects (ping + version) and publishes every state change; concurrent callers share one attempt. */
  connect(id: string): Promise<EngineState> {
    const e = this.entry(id);
    if (e.connecting) return e.connecting;
    if (e.state.status === 'connected' && e.client) {
      // Already connected: publish the state again so a view that subscribed late is in sync, without a new round trip.
      this.bus.emit('engine.state', e.state);
      return Promise.resolve(e.state);
    }
    return this.attempt(e);
  }

  /** Drops the current client and connects again at once, forgetting any backoff. */
  reconnect(id: string): Promise<EngineState> {
    const e = this.entry(id);
    this.teardown(e);
    e.backoff.reset();
    return this.attempt(e);
  }

  /** Marks an engine as lost after a call failed on a connected engine; the retry loop takes over. */
  markLost(id: string, reason: string): void {
    const e = this.entries.get(id);
    if (e && e.state.status === 'connected') this.lose(e, reason);
  }

  /** Stops every timer and closes every session, so a headless command can exit. */
  dispose(): void {
    for (const e of this.entries.values()) this.teardown(e);
  }

  private attempt(e: Entry): Promise<EngineState> {
    // Declared before it is assigned: the body compares against it and may run before the assignment completes.
    /* eslint-disable prefer-const */
    let run: Promise<EngineState> | undefined;
    run = (async () => {
      if (e.retry) clearTimeout(e.retry);
      e.retry = undefined;
      const retrying = e.state.status === 'lost';
      const gen = e.generation;
      this.setState(e, { status: 'connecting' });
      try {
        const { state: st, conn } = await this.open(e);
        if (gen !== e.generation || this.entries.get(e.config.id) !== e) {
          // Torn down meanwhile (removed, reconnected): this connection belongs to nobody.
          safeDispose(conn);
          return e.state;
        }
        this.closeClient(e);
        e.client = conn?.docker;
        e.dispose = conn?.dispose;
        e.backoff.reset();
        e.everConnected = true;
        this.watch(e);
        return this.setState(e, st);
      } catch (err) {
        const app = toAppError(err, `engine "${e.config.name}" at ${endpointUrl(e.config.endpoint)}`);
        if (gen !== e.generation || this.entries.get(e.config.id) !== e) return e.state;
        this.closeClient(e);
        // An engine that worked before is retried on its own; a first failure waits for the analyst.
        if (retrying || e.everConnected) return this.scheduleRetry(e, app.message, app.code);
        return this.setState(e, {
          status: 'failed',
          reason: app.message,
          errorCode: app.code,
          hostKey: hostKeyOf(app),
        });
      } finally {
        // A newer attempt (reconnect) may have replaced this one; leave that one in place.
        if (e.connecting === run) e.connecting = undefined;
      }
    })();
    /* eslint-enable prefer-const */
    e.connecting = run;
    return run;
  }

  private async open(e: Entry): Promise<{ state: Omit<EngineState, 'engineId' | 'since'>; conn?: Connection }> {
    const timeoutMs = this.opts.callTimeoutMs;
    // A read-only engine is always there: it has no connection to make, only evidence to answer from.
    if (this.readOnly(e.config.id)) return { state: { status: 'connected' } };
    if (e.config.endpoint.type === 'kubernetes') {
      const v = await probeKubeContext(e.config.endpoint, timeoutMs);
      return { state: { status: 'connected', serverVersion: v.serverVersion, os: v.platform } };
    }
    // Every transport passes here, whatever built its client: an insecure one needs the analyst's explicit yes.
    assertTransportAllowed(e.config.endpoint);
    const made = await this.factory(e.config, { timeoutMs, onLost: (reason) => this.markLost(e.config.id, reason) });
    const conn: Connection = isConnection(made) ? made : { docker: made };
    const target = `Engine "${e.config.name}" at ${endpointUrl(e.config.endpoint)}`;
    try {
      // The ssh handshake is part of the first call, so the bound covers it too.
      const v = await withTimeout(
        async (abortSignal) => {
          await abortable(conn.docker).ping({ abortSignal });
          return (await abortable(conn.docker).version({ abortSignal })) as {
            Version?: string;
            ApiVersion?: string;
            Os?: string;
          };
        },
        timeoutMs,
        target,
      );
      checkApiVersion(v.ApiVersion, target);
      return { state: { status: 'connected', serverVersion: v.Version, apiVersion: v.ApiVersion, os: v.Os }, conn };
    } catch (err) {
      safeDispose(conn);
      throw err;
    }
  }

  private watch(e: Entry): void {
    if (e.health) clearInterval(e.health);
    const every = e.config.endpoint.type === 'ssh' ? this.opts.sshHealthIntervalMs : this.opts.healthIntervalMs;
    if (!every) return;
    e.health = setInterval(() => {
      const client = e.client;
      if (!client || e.state.status !== 'connected' || e.connecting) return;
      withTimeout(
        (abortSignal) => abortable(client).ping({ abortSignal }),
        this.opts.callTimeoutMs,
        `Engine "${e.config.name}"`,
      ).catch((err: unknown) => {
        if (e.client === client && e.state.status === 'connected')
          this.lose(e, toAppError(err, `engine "${e.config.name}"`).message);
      });
    }, every);
    e.health.unref();
  }

  private lose(e: Entry, reason: string): void {
    this.closeClient(e);
    this.scheduleRetry(e, reason, 'ENGINE_UNREACHABLE');
  }

  private scheduleRetry(e: Entry, reason: string, errorCode: string): EngineState {
    const delay = e.backoff.next();
    if (e.retry) clearTimeout(e.retry);
    e.retry = setTimeout(() => {
      e.retry = undefined;
      if (this.entries.get(e.config.id) === e) void this.attempt(e);
    }, delay);
    e.retry.unref();
    return this.setState(e, { status: 'lost', reason, errorCode, retryInMs: delay });
  }

  private closeClient(e: Entry): void {
    if (e.health) clearInterval(e.health);
    e.health = undefined;
    safeDispose({ dispose: e.dispose });
    e.dispose = undefined;
    e.client = undefined;
  }

  private teardown(e: Entry): void {
    e.generation++;
    if (e.retry) clearTimeout(e.retry);
    e.retry = undefined;
    this.closeClient(e);
  }

  private fresh(config: EngineConfig): Entry {
    return {
      config,
      state: idle(config.id),
      backoff: new Backoff(this.opts.backoff.initialMs, this.opts.backoff.maxMs),
      everConnected: false,
      generation: 0,
    };
  }

  private readOnly(id: string): boolean {
    return this.source(id)?.capabilities(id).mode === 'read-only';
  }

  private entry(id: string): Entry {
    const e = this.entries.get(id);
    if (!e) throw new AppError('NOT_FOUND', `No engine with id "${id.slice(0, 128)}"`);
    return e;
  }

  private setState(e: Entry, patch: Omit<EngineState, 'engineId' | 'since'>): EngineState {
    e.state = { engineId: e.config.id, since: new Date().toISOString(), ...patch };
    this.bus.emit('engine.state', e.state);
    return e.state;
  }
}

function defaultFactory(
  config: EngineConfig,
  ctx: FactoryContext,
  env?: NodeJS.ProcessEnv,
  home?: string,
  trustedKnownHosts?: string,
): Connection {
  if (config.endpoint.type === 'ssh') {
    const { docker, session } = createSshDockerClient(config.endpoint, {
      env,
      home,
      trustedKnownHosts,
      timeoutMs: ctx.timeoutMs,
      apiVersion: config.apiVersion,
      onClose: ctx.onLost,
    });
    return { docker, dispose: () => session.close() };
  }
  return { docker: createDockerClient(config.endpoint, ctx.timeoutMs, config.apiVersion) };
}

function safeDispose(conn?: { dispose?: () => void }): void {
  try {
    conn?.dispose?.();
  } catch {
    // Closing a dead session may throw; the session is gone either way.
  }
}

const isConnection = (v: Docker | Connection): v is Connection =>
  typeof (v as Connection).docker === 'object' && typeof (v as Docker).ping !== 'function';
const idle = (engineId: string): EngineState => ({ engineId, status: 'idle', since: new Date().toISOString() });

/** The presented host key of an SSH_UNKNOWN_HOST_KEY / SSH_HOST_KEY_MISMATCH error, for the trust prompt. */
export function hostKeyOf(err: AppError): EngineState['hostKey'] {
  if (err.code !== 'SSH_UNKNOWN_HOST_KEY' && err.code !== 'SSH_HOST_KEY_MISMATCH') return undefined;
  const d = err.details as
    | { host?: unknown; port?: unknown; keyType?: unknown; fingerprint?: unknown; recordedFingerprint?: unknown }
    | undefined;
  if (!d || typeof d.fingerprint !== 'string' || typeof d.host !== 'string' || typeof d.port !== 'number')
    return undefined;
  return {
    host: d.host.slice(0, 300),
    port: d.port,
    keyType: String(d.keyType ?? 'unknown').slice(0, 64),
    fingerprint: d.fingerprint.slice(0, 100),
    recordedFingerprint: typeof d.recordedFingerprint === 'string' ? d.recordedFingerprint.slice(0, 100) : undefined,
  };
}
