import { readFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { AppError } from '@shared/errors.js';
import type { CaseService } from '../cases/case-service.js';
import type { EngineRegistry } from '../connections/registry.js';
import { toAppError } from '../errors.js';
import type { PartialHandlers } from '../handlers.js';
import { disabledActions, type RespondAction } from './actions.js';
import { collectPreserve, manifestEntry, type ManifestEntry } from './preserve.js';

export interface RespondRequest {
  engineId: string;
  containerId: string;
  action: RespondAction;
  /** Case id, id prefix or name; the current case when absent. */
  caseRef?: string;
  confirm?: boolean;
  /** Preserve only: also dump the memory of this host PID (one of the container's processes). */
  memoryPid?: number;
  memoryBytes?: number;
}

export interface RespondResult {
  action: RespondAction;
  caseId: string;
  containerId: string;
  outcome: string;
  /** Preserve: the manifest's own hash and its entries. */
  manifest?: { sha256: string; items: ManifestEntry[]; notes: string[] };
}

const clean = (s: string, n = 300) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, n);

/**
 * Containment with custody: every action is confirmed, refused where it cannot or must not run, written to the
 * case's custody log before it touches the container, and its outcome written after, success or not.
 */
export class RespondService {
  constructor(
    private readonly engines: EngineRegistry,
    private readonly cases: () => CaseService,
    private readonly opts: { env: NodeJS.ProcessEnv; dataDir: string },
  ) {}

  handlers(): Pick<Required<PartialHandlers>, 'respond.run'> {
    return { 'respond.run': async ({ caseId, ...rest }, ctx) => this.run({ ...rest, caseRef: caseId }, ctx.user) };
  }

  async run(req: RespondRequest, actor: string): Promise<RespondResult> {
    if (req.confirm !== true)
      throw new AppError(
        'CONFIRMATION_REQUIRED',
        `${req.action} changes or reads deep into a container: confirm it first`,
      );
    if (disabledActions(this.opts.env, this.opts.dataDir).has(req.action))
      throw new AppError(
        'FORBIDDEN',
        `"${req.action}" is disabled on this installation (STOWAWAY_RESPOND_DISABLE or respond.disabled in settings.json)`,
      );
    const config = this.engines.config(req.engineId);
    if (this.engines.capabilities(req.engineId).mode === 'read-only')
      throw new AppError(
        'FORBIDDEN',
        `"${clean(config.name)}" is a read-only evidence bundle: there is no container to act on`,
      );
    if (config.kind === 'kubernetes')
      throw new AppError(
        'FORBIDDEN',
        `"${clean(config.name)}" is a Kubernetes context: respond acts on Docker engines only`,
      );
    if (req.memoryPid !== undefined && req.action !== 'preserve')
      throw new AppError('VALIDATION', 'process memory is collected by preserve only');

    const cases = this.cases();
    const c = req.caseRef ? cases.resolve(req.caseRef) : cases.current();
    if (!c) throw new AppError('VALIDATION', 'No case is open: open or name a case so the action is recorded');
    if (c.status !== 'open' || c.readOnly)
      throw new AppError(
        'FORBIDDEN',
        `Case "${clean(c.name)}" cannot record actions (${c.readOnly ? 'read-only' : c.status})`,
      );

    const docker = await this.engines.client(req.engineId);
    const container = docker.getContainer(req.containerId);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (e) {
      throw toAppError(e, `container ${clean(req.containerId, 80)}`);
    }
    const target = `container ${info.Id.slice(0, 12)} ${clean(info.Name.replace(/^\//, ''), 200)} on engine ${clean(config.name, 100)}`;
    const extra = req.memoryPid !== undefined ? ` with memory of pid ${req.memoryPid}` : '';
    cases.recordCustody(c.id, req.action, `requested: ${req.action} ${target}${extra}`, actor);
    try {
      const done = await this.perform(req, docker, info, c.id, actor, target);
      cases.recordCustody(c.id, req.action, `done: ${req.action} ${target}: ${done.outcome}`.slice(0, 8000), actor);
      return { action: req.action, caseId: c.id, containerId: info.Id, ...done };
    } catch (e) {
      const err = toAppError(e, target);
      cases.recordCustody(c.id, req.action, `failed: ${req.action} ${target}: ${clean(err.message, 1000)}`, actor);
      throw err;
    }
  }

  private async perform(
    req: RespondRequest,
    docker: Docker,
    info: Docker.ContainerInspectInfo,
    caseId: string,
    actor: string,
    target: string,
  ): Promise<Omit<RespondResult, 'action' | 'caseId' | 'containerId'>> {
    const container = docker.getContainer(info.Id);
    switch (req.action) {
      case 'isolate': {
        // Disconnecting every network cuts the container off while its processes and memory stay for forensics.
        const nets = Object.keys(info.NetworkSettings?.Networks ?? {}).filter((n) => n !== 'none');
        for (const n of nets) await docker.getNetwork(n).disconnect({ Container: info.Id, Force: true });
        return {
          outcome: nets.length
            ? `disconnected from ${nets.map((n) => clean(n, 100)).join(', ')}`
            : 'had no network to disconnect',
        };
      }
      case 'pause':
        await container.pause();
        return { outcome: 'paused (cgroup freezer)' };
      case 'unpause':
        await container.unpause();
        return { outcome: 'unpaused' };
      case 'stop':
        await container.stop({ t: 10 }).catch((e: { statusCode?: number }) => {
          if (e?.statusCode !== 304) throw e;
        });
        return { outcome: 'stopped' };
      case 'preserve':
        return this.preserve(req, container, info, caseId, actor, target);
    }
  }

  private async preserve(
    req: RespondRequest,
    container: Docker.Container,
    info: Docker.ContainerInspectInfo,
    caseId: string,
    actor: string,
    target: string,
  ) {
    const cases = this.cases();
    const items: ManifestEntry[] = [];
    const hostProc = await onThisHost(this.engines.config(req.engineId).endpoint.type, info);
    const notes = await collectPreserve(
      container,
      { hostProc, memoryPid: req.memoryPid, memoryBytes: req.memoryBytes },
      (item) => {
        cases.addEvidence(
          caseId,
          item.data,
          {
            kind: `preserve-${item.kind}`,
            sourceCall: item.source,
            engineId: req.engineId,
            containerId: info.Id,
            mediaType: item.mediaType,
          },
          actor,
        );
        items.push(manifestEntry(item));
      },
    );
    const manifest = {
      container: info.Id,
      name: info.Name,
      image: info.Config?.Image,
      target,
      collectedBy: actor,
      collectedAt: new Date().toISOString(),
      items,
      notes,
    };
    const stored = cases.addEvidence(
      caseId,
      JSON.stringify(manifest, null, 1),
      {
        kind: 'preserve-manifest',
        sourceCall: `preserve ${info.Id}`,
        engineId: req.engineId,
        containerId: info.Id,
        mediaType: 'application/json',
      },
      actor,
    );
    return {
      outcome: `${items.length} items, manifest ${stored.sha256}`,
      manifest: { sha256: stored.sha256, items, notes },
    };
  }
}

/**
 * Whether the container's processes are visible in this host's /proc: a local unix socket is not enough
 * (Docker Desktop runs the engine in a VM), so the container's main PID must sit in a cgroup named for it.
 */
async function onThisHost(endpointType: string, info: Docker.ContainerInspectInfo): Promise<boolean> {
  if (endpointType !== 'unix' || process.platform !== 'linux' || !info.State?.Pid) return false;
  const cg = await readFile(`/proc/${info.State.Pid}/cgroup`, 'utf8').catch(() => '');
  return cg.includes(info.Id);
}
