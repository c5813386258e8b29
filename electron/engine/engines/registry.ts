import type Docker from 'dockerode';
import type { EngineConfig, EngineState, EngineView } from '../../../shared/domain/engine.js';
import { AppError } from '../../../shared/errors.js';
import type { EventBus } from '../event-bus.js';
import { toAppError } from '../errors.js';
import { createDockerClient, endpointUrl } from '../docker/client.js';

/** Builds a client for an engine config; ssh and Kubernetes plug their own factories in. */
export type ClientFactory = (config: EngineConfig) => Docker | Promise<Docker>;

interface Entry {
  config: EngineConfig;
  state: EngineState;
  client?: Docker;
  connecting?: Promise<EngineState>;
}

/** Holds every engine the analyst can reach, its client and its connection state. */
export class EngineRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly bus: EventBus,
    private readonly factory: ClientFactory = (c) => createDockerClient(c.endpoint),
  ) {}

  /** Replaces the set of known engines, keeping connections of engines that did not change. */
  setEngines(configs: EngineConfig[]): void {
    const next = new Map<string, Entry>();
    for (const config of configs) {
      const old = this.entries.get(config.id);
      const same = old && JSON.stringify(old.config.endpoint) === JSON.stringify(config.endpoint);
      next.set(config.id, same ? { ...old, config } : { config, state: idle(config.id) });
    }
    this.entries.clear();
    for (const [k, v] of next) this.entries.set(k, v);
  }

  add(config: EngineConfig): void {
    this.entries.set(config.id, { config, state: idle(config.id) });
  }

  remove(id: string): void {
    this.entries.delete(id);
  }

  list(): EngineView[] {
    return [...this.entries.values()].map((e) => ({ ...e.config, state: e.state }));
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
    if (e.state.status !== 'connected' || !e.client) {
      const st = await this.connect(id);
      if (st.status !== 'connected') throw new AppError((st.errorCode as AppError['code']) ?? 'ENGINE_UNREACHABLE', st.reason ?? 'not connected');
    }
    return e.client!;
  }

  /** Connects (ping + version) and publishes every state change; concurrent callers share one attempt. */
  connect(id: string): Promise<EngineState> {
    const e = this.entry(id);
    if (e.connecting) return e.connecting;
    e.connecting = (async () => {
      this.setState(e, { status: 'connecting' });
      try {
        const client = await this.factory(e.config);
        await client.ping();
        const v = (await client.version()) as { Version?: string; ApiVersion?: string; Os?: string };
        e.client = client;
        return this.setState(e, { status: 'connected', serverVersion: v.Version, apiVersion: v.ApiVersion, os: v.Os });
      } catch (err) {
        const app = toAppError(err, `engine "${e.config.name}" at ${endpointUrl(e.config.endpoint)}`);
        e.client = undefined;
        return this.setState(e, { status: 'failed', reason: app.message, errorCode: app.code });
      } finally {
        e.connecting = undefined;
      }
    })();
    return e.connecting;
  }

  /** Marks an engine as lost after a call failed on a connected engine, so the UI shows it at once. */
  markLost(id: string, reason: string): void {
    const e = this.entries.get(id);
    if (e && e.state.status === 'connected') this.setState(e, { status: 'lost', reason });
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

const idle = (engineId: string): EngineState => ({ engineId, status: 'idle', since: new Date().toISOString() });
