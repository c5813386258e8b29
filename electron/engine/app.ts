import path from 'node:path';
import os from 'node:os';
import { existsSync } from 'node:fs';
import { EventBus } from './event-bus.js';
import { EngineRegistry } from './connections/registry.js';
import { EngineService } from './connections/engine-service.js';
import { ContainerService } from './investigate/containers.js';
import { createDispatcher } from './dispatcher.js';
import type { Handlers } from './handlers.js';
import { VERSION } from './version.js';
import { NetworkService } from './investigate/network-service.js';
import { TerminalService } from './terminal/terminal-service.js';
import { resolveDataDir } from './data-dir.js';
import { lazyCaseStore } from './cases/case-store.js';
import { caseHandlers } from './case-handlers.js';
import { detectorMetas } from './cases/detector-meta.js';
import { FileInvestigator } from './investigate/files.js';
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
import { KubeEngines } from './kube/kube-engines.js';
import { DockerEngines } from './docker/docker-engines.js';
import { useTarget } from './connections/resolve-target.js';
import { collectBundle } from './bundle/collect-bundle.js';
import { listContexts } from './connections/list-contexts.js';
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
  const engines = new EngineRegistry(bus, {
    env,
    home: opts.home,
    trustedKnownHosts: path.join(dataDir, 'known_hosts'),
  });
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
  const bundleEngines = new BundleEngines(engines);
  const kube = new KubeContainers(engines, {
    env,
    home: opts.home,
    latestEvidence: (id) => scans.latestEvidence(id) ?? undefined,
    latestResult: (id) => scans.latest(id) ?? undefined,
  });
  const dockerEngines = new DockerEngines(engines, {
    evidence: (id, containerId, refresh) => scans.containerEvidence(id, containerId, refresh),
    annotate: (events) => operations.annotate(events),
  });
  const containers = new ContainerService(engines, dockerEngines);
  const files = new FileInvestigator(engines);
  const user = env.STOWAWAY_ANALYST || os.userInfo().username;
  const caseStore = lazyCaseStore(dataDir, user);
  // Remote engines have no host-side socket view: the graph falls back to the latest scan's socket evidence.
  const network = new NetworkService(engines, containers, async (engineId, containerId) =>
    scans.latestEvidence(engineId)?.containers.find((c) => c.container.id === containerId),
  );
  // A cluster's graph is what it declares, joined with the sockets of connected node engines running its pods.
  const kubeNetwork = new KubeNetwork(engines, containers, network, { env, home: opts.home });
  // Exec sessions are written in the custody log of the current case before they start; their recordings become its
  // evidence, and the data directory always keeps a copy.
  const terminals = new TerminalService(
    engines,
    bus,
    dataDir,
    {
      currentCase: () => (existsSync(path.join(dataDir, 'cases.db')) ? caseStore.get().currentId() : undefined),
      record: (caseId, detail, actor) => void caseStore.get().recordCustody(caseId, 'exec', detail, actor),
      store: (caseId, data, meta, actor) => caseStore.get().addEvidence(caseId, data, meta, actor),
    },
    { idleMs: Number(env.STOWAWAY_TERMINAL_IDLE_MS) || undefined },
  );
  // A pod container's processes and terminal go through pods/exec, logged in the current case before they start.
  const kubeExec = new KubeExec(kube, terminals, {
    currentCase: () => (existsSync(path.join(dataDir, 'cases.db')) ? caseStore.get().currentId() : undefined),
    record: (caseId, detail, actor) => void caseStore.get().recordCustody(caseId, 'exec', detail, actor),
  });
  // Each engine is answered by its kind's source: bundles and clusters first, every other engine is a Docker engine.
  engines.addSource(bundleEngines);
  engines.addSource(new KubeEngines(kube, kubeExec));
  engines.addSource(dockerEngines);
  // Sessions cut off when an earlier process was killed are sealed and recorded now.
  try {
    terminals.recoverCutOff();
  } catch {
    // The files stay in the data directory; the next start tries again.
  }
  // The current case's allowlist applies to every scan while that case is open.
  const scans = new ScanService(engines, bus, {
    suppressions: (ref) => (ref === undefined ? caseStore.currentSuppressions() : caseStore.caseSuppressions(ref)),
    incremental: opts.incrementalScans ?? true,
    env,
    home: opts.home,
    rulesDir: path.join(dataDir, 'rules'),
  });
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
      return caseId
        ? { caseId, record: (detail) => cases.recordCustody(caseId, 'footprint', detail, 'stowaway') }
        : undefined;
    },
  });
  // Containment and preservation, recorded in the named or current case.
  const respond = new RespondService(engines, caseStore.get, { env, dataDir });

  const handlers: Handlers = {
    'app.info': async (_i, ctx) => ({
      version: VERSION,
      transport: ctx.transport === 'ipc' ? 'ipc' : 'http',
      user,
      platform: process.platform,
    }),
    ...engineService.handlers(),
    'engines.discover': async ({ check, timeoutMs }) =>
      listContexts({ check, timeoutMs, env, home: opts.home, dataDir }),
    'engines.resolve': async ({ engineId, ...flags }) =>
      useTarget(engines, { ...flags, env, home: opts.home }, engineId),
    ...containers.handlers(),
    ...files.handlers(),
    // A cluster's graph is what it declares, its pod containers' terminals go through pods/exec.
    ...network.handlers(kubeNetwork),
    ...terminals.handlers(kubeExec),
    ...caseHandlers(
      caseStore.get,
      detectorMetas,
      env,
      {
        of: (id) => ({
          result: scans.latest(id),
          evidence: scans.latestEvidence(id),
          suppressed: scans.latestOutcome(id)?.suppressed,
        }),
        engineIds: () => engines.list().map((e) => e.id),
      },
      { opened: (c, b) => bundleEngines.open(c, b), shown: (c) => bundleEngines.revive(c, caseStore.get) },
    ),
    ...scans.handlers(),
    ...detectorHandlers(dataDir),
    ...kubeCollectHandlers(bus, { env, home: opts.home }),
    ...respond.handlers(),
    'bundles.collect': async ({ engineId, since, exec, stats, out, engineName }, ctx) =>
      collectBundle(
        await scans.run(engineId, since, { exec, stats }),
        { out, engineName },
        { dataDir, createdBy: ctx.user },
      ),
  };

  return {
    bus,
    engines,
    engineService,
    containers,
    caseStore,
    scans,
    respond,
    handlers,
    operations,
    dispatch: createDispatcher(handlers),
    user,
    dispose: async () => {
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
