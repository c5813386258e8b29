import type { EngineConfig, EngineView } from '@shared/domain/engine.js';
import type { EngineDraft, EngineTestResult, TrustHostKeyResult } from '@shared/api/engines.js';
import os from 'node:os';
import { resolveSshHost } from '../ssh/ssh-docker.js';
import { trustedKnownHostsPath, trustHostKey } from '../ssh/trust-host-key.js';
import { parseHostPort } from '../ssh/host-port.js';
import { AppError } from '@shared/errors.js';
import { EventBus } from '../event-bus.js';
import type { PartialHandlers } from '../handlers.js';
import { toAppError } from '../errors.js';
import { discover } from './discover.js';
import { EngineRegistry, hostKeyOf } from './registry.js';
import { SavedHosts } from './saved-hosts.js';
import { assertTransportAllowed } from './transport-security.js';

export interface EngineServiceOptions {
  env: NodeJS.ProcessEnv;
  home?: string;
  dataDir: string;
}

/** Discovery, saved remote hosts and connection management behind the engines.* operations. */
export class EngineService {
  readonly saved: SavedHosts;
  warnings: string[] = [];

  constructor(
    private readonly registry: EngineRegistry,
    private readonly opts: EngineServiceOptions,
  ) {
    this.saved = new SavedHosts(opts.dataDir);
  }

  /** Reads DOCKER_HOST, contexts, kubeconfig and saved hosts again; unchanged engines keep their connection. */
  rediscover(): EngineView[] {
    const found = discover({ env: this.opts.env, home: this.opts.home, dataDir: this.opts.dataDir });
    this.warnings = found.warnings;
    this.registry.setEngines(found.engines);
    return this.registry.list();
  }

  add(draft: EngineDraft): EngineView {
    checkDraft(draft);
    const config = this.saved.add({
      name: draft.name,
      kind: 'docker',
      endpoint: checkDraft(draft),
      apiVersion: draft.apiVersion,
      description: undefined,
    });
    this.registry.add(config);
    return this.registry.list().find((e) => e.id === config.id)!;
  }

  remove(engineId: string): boolean {
    const config = this.registry.config(engineId);
    if (config.source !== 'saved') {
      const how =
        config.source === 'context'
          ? `docker context rm ${config.name}`
          : config.source === 'kubeconfig'
            ? 'kubectl config delete-context'
            : 'unset DOCKER_HOST';
      throw new AppError(
        'VALIDATION',
        `"${config.name}" comes from your ${config.source === 'context' ? 'docker contexts' : config.source} and is not saved by Stowaway; remove it there (${how})`,
      );
    }
    const removed = this.saved.remove(engineId);
    this.registry.remove(engineId);
    return removed;
  }

  /** Connects to a draft without saving it: what the form's "Test connection" button shows. */
  async test(draft: EngineDraft, timeoutMs = 20_000): Promise<EngineTestResult> {
    const started = performance.now();
    const scratch = new EngineRegistry(new EventBus(), {
      env: this.opts.env,
      home: this.opts.home,
      trustedKnownHosts: this.trustedKnownHosts,
      healthIntervalMs: 0,
      sshHealthIntervalMs: 0,
      callTimeoutMs: timeoutMs,
    });
    const config: EngineConfig = {
      id: 'test',
      name: draft.name,
      kind: 'docker',
      source: 'saved',
      endpoint: checkDraft(draft),
      current: false,
      apiVersion: draft.apiVersion,
    };
    scratch.add(config);
    try {
      const st = await scratch.connect('test');
      if (st.status !== 'connected')
        return {
          ok: false,
          errorCode: st.errorCode,
          message: st.reason ?? 'not connected',
          hostKey: st.hostKey,
          elapsedMs: Math.round(performance.now() - started),
        };
      const list = await (await scratch.client('test')).listContainers({ all: true });
      return {
        ok: true,
        message: `Connected: Docker ${st.serverVersion ?? '?'} (API ${st.apiVersion ?? '?'}, ${st.os ?? '?'}), ${list.length} containers`,
        serverVersion: st.serverVersion,
        apiVersion: st.apiVersion,
        os: st.os,
        containers: list.length,
        elapsedMs: Math.round(performance.now() - started),
      };
    } catch (e) {
      const app = toAppError(e, `engine "${draft.name}"`);
      return {
        ok: false,
        errorCode: app.code,
        message: app.message,
        hostKey: hostKeyOf(app),
        elapsedMs: Math.round(performance.now() - started),
      };
    } finally {
      scratch.dispose();
    }
  }

  get trustedKnownHosts(): string {
    return trustedKnownHostsPath(this.opts.dataDir);
  }

  /**
   * Appends a verified host key to Stowaway's known_hosts, for a known ssh engine or a host not saved yet.
   * The host name and port are resolved as a connection would resolve them (ssh config aliases), so the line
   * written is the one the next connection looks up.
   */
  async trustHostKey(input: {
    engineId?: string;
    endpoint?: { host: string; port: number; knownHostsPath?: string };
    target?: string;
    fingerprint: string;
    timeoutMs?: number;
  }): Promise<TrustHostKeyResult> {
    const timeoutMs = input.timeoutMs ?? 15_000;
    const ep = input.engineId
      ? this.registry.config(input.engineId).endpoint
      : { type: 'ssh' as const, ...(input.endpoint ?? parseHostPort(input.target!)) };
    if (ep.type !== 'ssh') throw new AppError('VALIDATION', 'Host keys are only used by ssh engines');
    const { host, port, knownFiles } = resolveSshHost(ep, this.opts.home ?? os.homedir(), this.trustedKnownHosts);
    return trustHostKey({
      host,
      port,
      fingerprint: input.fingerprint,
      knownFiles,
      dataDir: this.opts.dataDir,
      timeoutMs,
    });
  }

  handlers(): Pick<
    Required<PartialHandlers>,
    | 'engines.list'
    | 'engines.connect'
    | 'engines.add'
    | 'engines.test'
    | 'engines.remove'
    | 'engines.reconnect'
    | 'engines.rediscover'
    | 'engines.trustHostKey'
    | 'engines.warnings'
  > {
    return {
      'engines.list': async () => this.registry.list(),
      'engines.connect': async ({ engineId }) => this.registry.connect(engineId),
      'engines.add': async (draft) => this.add(draft),
      'engines.test': async (draft) => this.test(draft),
      'engines.remove': async ({ engineId }) => ({ removed: this.remove(engineId) }),
      'engines.reconnect': async ({ engineId }) => this.registry.reconnect(engineId),
      'engines.rediscover': async () => this.rediscover(),
      'engines.trustHostKey': async (input) => this.trustHostKey(input),
      'engines.warnings': async () => ({ warnings: this.warnings.slice(0, 200).map((w) => w.slice(0, 2048)) }),
    };
  }
}

/** Validates what only makes sense for a remote host; plain tcp and unverified TLS need their explicit opt-in. */
function checkDraft(draft: EngineDraft): EngineConfig['endpoint'] {
  const ep = draft.endpoint;
  if (ep.type === 'kubernetes')
    throw new AppError('VALIDATION', 'Kubernetes contexts come from kubeconfig; add them there');
  assertTransportAllowed(ep);
  if ((ep.type === 'tcp' || ep.type === 'ssh') && !ep.host.trim())
    throw new AppError('VALIDATION', 'A host name or address is required');
  return ep;
}
