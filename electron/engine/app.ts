import path from 'node:path';
import os from 'node:os';
import { existsSync } from 'node:fs';
import { EventBus } from './event-bus.js';
import { EngineRegistry } from './engines/registry.js';
import { EngineService } from './engines/engine-service.js';
import { ContainerService } from './docker/containers.js';
import { createDispatcher } from './dispatcher.js';
import type { Handlers } from './handlers.js';
import { VERSION } from './version.js';
import { NetworkService } from './investigate/network-service.js';
import { readEngineEvents } from './investigate/timeline-events.js';
import { TerminalService } from './terminal/terminal-service.js';
import { resolveDataDir } from './cases/data-dir.js';
import { lazyCaseStore } from './cases/case-store.js';
import { caseHandlers } from './cases/case-handlers.js';
import { detectorMetas } from './cases/detector-meta.js';
import { FileInvestigator } from './investigate/files.js';
import { containerStats } from './investigate/container-stats.js';
import { LiveEvents } from './investigate/live-events.js';
import { LiveRescan } from './scan/live-rescan.js';
import { ScanService } from './scan/scan-service.js';
import { detectorHandlers } from './detect/handlers.js';
import { BundleEngines } from './bundle/bundle-engines.js';
import { OperationLog } from './footprint/operation-log.js';
import { traceCalls } from './footprint/trace-calls.js';
import { recordFootprint } from './footprint/footprint-custody.js';
import type Docker from 'dockerode';
import { RespondService } from './respond/respond-service.js';
import { KubeContainers } from './kube/kube-containers.js';
import { KubeNetwork } from './kube/kube-network.js';
import { KubeExec } from './kube/kube-exec.js';
import { useTarget } from './engines/resolve-target.js';
import { collectBundle } from './bundle/collect-bundle.js';
import { listContexts } from './engines/list-contexts.js';
import { kubeCollectHandlers } from './kube/collect/collect-handlers.js';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  dataDir?: string;
  /** Rescans read only what changed (default on: the desktop app and serve rescan often). */
  incrementalScans?: boolean;
}

/** The composition root of the engine: builds every service and the handler map for both transports. */
export function createApp(opts: AppOptions = {}) {
  const env = opts.env ?? process.env;
  const bus = new EventBus();
  const dataDir = opts.dataDir ?? resolveDataDir(env);
  const engines = new EngineRegistry(bus, { env, home: opts.home, trustedKnownHosts: path.join(dataDir, 'known_hosts') });
  // Every client the services get is traced: our own calls that leave engine events go into the operation log.
  const operations = new OperationLog();
  const traced = new WeakSet<Docker>();
  const client = engines.client.bind(engines);
  engines.client = async (id: string) => {
    const docker = await client(id);
    if (!traced.has(docker)) traced.add(traceCalls(docker, id, operations));
    return docker;
  };
  const engineService = new EngineService(engines, { env, home: opts.home, dataDir });
  engineService.rediscover();
  // Opened evidence bundles appear as read-only engines answered from their evidence.
  const bundleEngines = new BundleEngines(engines, (id, outcome) => scans.adoptOffline(id, outcome));
  const kube = new KubeContainers(engines, { env, home: opts.home, latestEvidence: (id) => scans.latestEvidence(id) ?? undefined, latestResult: (id) => scans.latest(id) ?? undefined });
  const containers = new ContainerService(engines, bundleEngines, kube);
  const files = new FileInvestigator(engines);
  const user = env.STOWAWAY_ANALYST || os.userInfo().username;
  const caseStore = lazyCaseStore(dataDir, user);
  // Remote engines have no host-side socket view: the graph falls back to the latest scan's socket evidence.
  const network = new NetworkService(engines, containers, async (engineId, containerId) => scans.latestEvidence(engineId)?.containers.find((c) => c.container.id === containerId));
  // A cluster's graph is what it declares, joined with the sockets of connected node engines running its pods.
  const kubeNetwork = new KubeNetwork(engines, containers, network, { env, home: opts.home });
  // Exec sessions are written in the custody log of the current case before they start; their recordings become its
  // evidence, and the data directory always keeps a copy.
  const terminals = new TerminalService(engines, bus, dataDir, {
    currentCase: () => (existsSync(path.join(dataDir, 'cases.db')) ? caseStore.get().currentId() : undefined),
    record: (caseId, detail, actor) => void caseStore.get().recordCustody(caseId, 'exec', detail, actor),
    store: (caseId, data, meta, actor) => caseStore.get().addEvidence(caseId, data, meta, actor),
  }, { idleMs: Number(env.STOWAWAY_TERMINAL_IDLE_MS) || undefined });
  // A pod container's processes and terminal go through pods/exec, logged in the current case before they start.
  const kubeExec = new KubeExec(kube, terminals, {
    currentCase: () => (existsSync(path.join(dataDir, 'cases.db')) ? caseStore.get().currentId() : undefined),
    record: (caseId, detail, actor) => void caseStore.get().recordCustody(caseId, 'exec', detail, actor),
  });
  // Sessions cut off when an earlier process was killed are sealed and recorded now.
  try {
    terminals.recoverCutOff();
  } catch {
    // The files stay in the data directory; the next start tries again.
  }
  // The current case's allowlist applies to every scan while that case is open.
  const scans = new ScanService(engines, bus, { suppressions: (ref) => (ref === undefined ? caseStore.currentSuppressions() : caseStore.caseSuppressions(ref)), incremental: opts.incrementalScans ?? true, env, home: opts.home, rulesDir: path.join(dataDir, 'rules') });
  // Engine events pushed to the UI as they happen, so views refresh themselves.
  const live = new LiveEvents(engines, bus, (ev) => operations.annotate([ev])[0]!);
  // A scanned engine's findings follow its events: one incremental rescan per burst.
  const liveRescan = new LiveRescan(bus, scans);
  // The footprint goes into the open case's custody log; without a case database there is no case to write to.
  const footprint = recordFootprint(operations, {
    current: () => {
      if (!existsSync(path.join(dataDir, 'cases.db'))) return undefined;
      const cases = caseStore.get();
      const caseId = cases.currentId();
      return caseId ? { caseId, record: (detail) => cases.recordCustody(caseId, 'footprint', detail, 'stowaway') } : undefined;
    },
  });
  // Containment and preservation, recorded in the named or current case.
  const respond = new RespondService(engines, caseStore.get, { env, dataDir });

  const handlers: Handlers = {
    'investigate.network': async ({ engineId }) => (kube.has(engineId) ? kubeNetwork.graph(engineId) : network.graph(engineId)),
    'timeline.events': async ({ engineId, since, until, containerId }) =>
      bundleEngines.has(engineId) ? bundleEngines.timeline(engineId, { since, until, containerId }) : kube.has(engineId) ? kube.timeline(engineId, { since, until, containerId }) : readEngineEvents(await engines.client(engineId), engineId, { since, until, containerId }).then((r) => ({ ...r, events: operations.annotate(r.events) })),
    'terminal.logs': async ({ engineId, containerId, tail, cols, rows }, ctx) => terminals.openLogs({ engineId, containerId, tail, cols, rows, user: ctx.user }),
    'terminal.exec': async ({ engineId, containerId, tail, cols, rows, cmd }, ctx) => (kube.has(engineId) ? kubeExec.terminal({ engineId, containerId, cols, rows, cmd, user: ctx.user }) : terminals.openExec({ engineId, containerId, tail, cols, rows, cmd, user: ctx.user })),
    'terminal.input': async ({ sessionId, data }) => ({ accepted: terminals.input(sessionId, data) }),
    'terminal.resize': async ({ sessionId, cols, rows }) => ({ ok: await terminals.resize(sessionId, cols, rows) }),
    'terminal.close': async ({ sessionId }) => ({ recording: await terminals.close(sessionId) }),
    'app.info': async (_i, ctx) => ({ version: VERSION, transport: ctx.transport === 'ipc' ? 'ipc' : 'http', user, platform: process.platform }),
    'engines.list': async () => engines.list(),
    'engines.connect': async ({ engineId }) => engines.connect(engineId),
    'engines.discover': async ({ check, timeoutMs }) => listContexts({ check, timeoutMs, env, home: opts.home, dataDir }),
    'engines.resolve': async ({ engineId, ...flags }) => useTarget(engines, { ...flags, env, home: opts.home }, engineId),
    ...(engineService.handlers() as Pick<Handlers, 'engines.add' | 'engines.test' | 'engines.remove' | 'engines.reconnect' | 'engines.rediscover' | 'engines.trustHostKey' | 'engines.warnings'>),
    'containers.list': async ({ engineId, all }) => containers.list(engineId, all),
    'containers.inspect': async ({ engineId, containerId }) => containers.inspect(engineId, containerId),
    'investigate.fileDiff': async ({ engineId, containerId, path }) => files.fileDiff(engineId, containerId, path),
    'containers.stats': async ({ engineId, containerId }) => containerStats(engines, engineId, containerId),
    ...caseHandlers(caseStore.get, detectorMetas, env, {
      of: (id) => ({ result: scans.latest(id), evidence: scans.latestEvidence(id), suppressed: scans.latestOutcome(id)?.suppressed }),
      engineIds: () => engines.list().map((e) => e.id),
    }, (c, b) => bundleEngines.open(c, b)),
    ...scans.handlers(),
    ...detectorHandlers(dataDir),
    ...kubeCollectHandlers(bus, { env, home: opts.home }),
    'respond.run': async ({ caseId, ...rest }, ctx) => respond.run({ ...rest, caseRef: caseId }, ctx.user),
    'bundles.collect': async ({ engineId, since, exec, stats, out, engineName }, ctx) => collectBundle(await scans.run(engineId, since, { exec, stats }), { out, engineName }, { dataDir, createdBy: ctx.user }),
  };

  // A pod container's evidence is its process list read through pods/exec; the view asks the analyst first.
  const containerEvidence = handlers['evidence.container'];
  handlers['evidence.container'] = async (input, ctx) => (kube.has(input.engineId) ? kubeExec.evidence(input.engineId, input.containerId, { run: input.podExec === true, refresh: input.refresh, user: ctx.user }) : containerEvidence(input, ctx));

  // A bundle imported before a restart comes back as its read-only engine when its case is opened or current.
  const openCase = handlers['cases.open'];
  const currentCase = handlers['cases.current'];
  handlers['cases.open'] = async (input, ctx) => bundleEngines.revive(await openCase(input, ctx), caseStore.get);
  handlers['cases.current'] = async (input, ctx) => bundleEngines.revive(await currentCase(input, ctx), caseStore.get);

  return { bus, engines, engineService, containers, caseStore, scans, respond, handlers, operations, dispatch: createDispatcher(handlers), user, dispose: async () => {
      liveRescan.dispose();
      live.dispose();
      footprint.dispose();
      engines.dispose();
      caseStore.dispose();
      await terminals.closeAll();
    },
  };
}

export type App = ReturnType<typeof createApp>;
