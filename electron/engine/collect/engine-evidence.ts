import type Docker from 'dockerode';
import type {
  ArtifactRef,
  ContainerEvidence,
  EngineEvidence,
  ExecRecord,
  ImageFacts,
} from '@shared/domain/evidence-set.js';
import type { EngineEvent } from '@shared/domain/event.js';
import type { ScanError } from '@shared/domain/scan.js';
import { toAppError } from '../errors.js';
import { artifactRef, digestedArtifactRef } from './artifacts.js';
import { collectContainerEvidence, type CollectOptions } from './container-evidence.js';
import type { ImageFileCache } from './critical-read.js';
import { ImageBaselines } from './image-baselines.js';
import { createDeferredAttrs } from './attrs.js';
import { collectEvents, enrichExec, execRecordsFromEvents } from './events.js';
import { hostPidIndex } from './host-procs.js';
import { hostReadPool } from './host-read-pool.js';
import type { HostReader } from './container-evidence.js';
import { randomUUID } from 'node:crypto';
import { collectImageFacts } from './image-facts.js';
import { LayerCache } from './layers.js';
import { createLimiter } from './limiter.js';
import { parseSince } from '@shared/domain/duration.js';
import { withTimeout } from './timeout.js';

export interface EngineCollectOptions extends Omit<
  CollectOptions,
  'pidIndex' | 'engineId' | 'imageFiles' | 'attrReader' | 'deferredAttrs' | 'layerCache' | 'callLimit' | 'hostReader'
> {
  engine: EngineEvidence['engine'];
  /** How far back the event history goes (duration or RFC 3339); 24h when absent. */
  since?: string;
  /** Engine API calls at once; the daemon gets slower, not faster, beyond a handful. */
  concurrency?: number;
  /** Only these containers (full or short IDs); every container, running or stopped, when absent. */
  containerIds?: string[];
  /** Longest wait for the event history, which the daemon streams until `until`. */
  eventsTimeoutMs?: number;
  /** Upper bound on exec records looked up one by one. */
  maxExecLookups?: number;
  onProgress?: (done: number, total: number, message: string) => void;
  signal?: AbortSignal;
}

export const DEFAULT_SINCE = '24h';
export const DEFAULT_CONCURRENCY = 8;

/**
 * Collects one engine: every container (bounded concurrency), the images they run, the event history and
 * the exec records it mentions. Never throws for one container or one call; only listing the containers
 * (the engine itself unreachable) fails the whole collection.
 */
export async function collectEngineEvidence(docker: Docker, opts: EngineCollectOptions): Promise<EngineEvidence> {
  const started = new Date();
  const timeoutMs = opts.callTimeoutMs ?? 15_000;
  const errors: ScanError[] = [];
  const sinceDate = parseSince(opts.since ?? DEFAULT_SINCE, started.getTime());
  const limit = createLimiter(Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY));
  // Containers in flight: their API calls share `limit`, so more of them only keeps the call slots and the host-side
  // reads busy at once; the bound is for memory.
  const containerLimit = createLimiter(Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY) * 4);

  // Reader threads load their code while the engine lists its containers: a process's first scan waits less.
  const pool = opts.local ? hostReadPool() : null;
  pool?.warm();
  opts.onProgress?.(0, 1, 'listing containers');
  let list: Docker.ContainerInfo[];
  try {
    // Asked for some containers (a rescan of those that changed), the daemon lists only those: on a large engine
    // the full list is most of a small rescan's Engine API time. IDs are hex, and the daemon matches them as
    // patterns anywhere in an ID, so the rows are still narrowed to the prefixes below.
    const byIds = Boolean(opts.containerIds?.length) && opts.containerIds!.every((w) => /^[0-9a-f]+$/.test(w));
    list = await withTimeout(
      (signal) =>
        docker.listContainers({
          all: true,
          abortSignal: signal,
          ...(byIds ? { filters: { id: opts.containerIds! } } : {}),
        }),
      timeoutMs,
      'list containers',
    );
  } catch (e) {
    throw toAppError(e, `engine "${opts.engine.name}" at ${opts.engine.endpoint}`);
  }
  // With explicit IDs, collect in the order given (callers put what matters most first).
  const rank = (id: string) => opts.containerIds!.findIndex((w) => id.startsWith(w));
  const wanted = opts.containerIds?.length
    ? list.filter((c) => rank(c.Id) >= 0).sort((a, b) => rank(a.Id) - rank(b.Id))
    : list;

  // Event history runs beside the containers: it is one streamed call and bounded by its own time-out.
  const eventsTask = (async (): Promise<{ events: EngineEvent[]; execs: ExecRecord[]; artifacts: ArtifactRef[] }> => {
    const since = sinceDate.getTime() / 1000;
    const until = started.getTime() / 1000;
    try {
      const { events, body } = await withTimeout(
        (signal) => collectEvents(docker, opts.engine.id, since, until, signal),
        opts.eventsTimeoutMs ?? 30_000,
        'events',
      );
      const artifacts = [
        digestedArtifactRef('events', `GET /events?since=${since.toFixed(3)}&until=${until.toFixed(3)}`, body),
      ];
      const records = execRecordsFromEvents(events).slice(-(opts.maxExecLookups ?? 500));
      const execs = await Promise.all(
        records.map((r) =>
          limit(async () => {
            const { rec, raw: execRaw } = await withTimeout(
              (signal) => enrichExec(docker, r, signal),
              timeoutMs,
              'exec inspect',
            ).catch(() => ({ rec: r, raw: undefined }));
            if (execRaw) artifacts.push(artifactRef('exec', `GET /exec/${r.execId}/json`, execRaw, r.containerId));
            return rec;
          }),
        ),
      );
      return { events, execs, artifacts };
    } catch (e) {
      const err = toAppError(e);
      errors.push({ call: 'events', code: err.code, message: err.message.slice(0, 2048) });
      return { events: [], execs: [], artifacts: [] };
    }
  })();

  // The engine's settings and the listed containers' images are read beside the containers, not after them.
  const infoTask = withTimeout(recentInfo(docker), timeoutMs, 'info').then(
    (r) => ({ ok: r }),
    (e: unknown) => ({ err: toAppError(e) }),
  );
  const imageTasks = new Map<string, ReturnType<typeof readImage>>();
  const readImage = (imageId: string) =>
    withTimeout(collectImageFacts(docker, imageId), timeoutMs, 'image inspect').then(
      (r) => ({ ok: r }),
      (e: unknown) => ({ err: toAppError(e, `image ${imageId.slice(0, 19)}`) }),
    );
  const imageOf = (imageId: string) => {
    let task = imageTasks.get(imageId);
    if (!task) {
      task = limit(() => readImage(imageId));
      imageTasks.set(imageId, task);
    }
    return task;
  };
  for (const row of wanted) if (row.ImageID) void imageOf(row.ImageID);

  let pidIndexTask: Promise<Map<string, number[]>> | undefined;
  const pidIndex = () => (pidIndexTask ??= hostPidIndex(opts.procRoot ?? '/proc'));
  const imageFiles: ImageFileCache = new ImageBaselines();
  const layerCache = new LayerCache();
  const scanKey = randomUUID();
  const hostReader: HostReader | undefined = pool ? (job, here) => pool.read(scanKey, job, here) : undefined;
  const deferredAttrs = opts.local ? createDeferredAttrs() : undefined;
  const total = wanted.length;
  let done = 0;
  opts.onProgress?.(0, total, `collecting ${total} containers`);
  const results = await Promise.all(
    wanted.map((row) =>
      containerLimit(async (): Promise<ContainerEvidence | null> => {
        if (opts.signal?.aborted) return null;
        try {
          return await collectContainerEvidence(docker, row.Id, {
            ...opts,
            engineId: opts.engine.id,
            pidIndex,
            imageFiles,
            deferredAttrs,
            layerCache,
            callLimit: limit,
            hostReader,
            engineFilesOverApi: !/^ssh:/i.test(opts.engine.endpoint),
          });
        } catch (e) {
          // Removed between listing and inspecting, or inspect itself failed: the scan goes on without it.
          const err = toAppError(e, `container ${row.Id.slice(0, 12)}`);
          errors.push({ containerId: row.Id, call: 'inspect', code: err.code, message: err.message.slice(0, 2048) });
          return null;
        } finally {
          done++;
          opts.onProgress?.(done, total, (row.Names?.[0] ?? row.Id.slice(0, 12)).replace(/^\//, ''));
        }
      }),
    ),
  );
  const containers = results.filter((c): c is ContainerEvidence => c !== null);
  // Flags of every container: the last lsattr run over what the containers deferred, beside the image reads.
  const attrsRead = deferredAttrs?.flush();

  // Only the images of containers collected count; those the list named are mostly read already.
  const imageIds = [...new Set(containers.map((c) => c.container.imageId).filter(Boolean))];
  const images: ImageFacts[] = [];
  const imageArtifacts: ArtifactRef[] = [];
  for (const [imageId, r] of await Promise.all(
    imageIds.map(async (imageId) => [imageId, await imageOf(imageId)] as const),
  )) {
    if ('ok' in r) {
      images.push(r.ok.facts);
      imageArtifacts.push(...r.ok.artifacts);
    } else
      errors.push({ call: `image ${imageId.slice(0, 80)}`, code: r.err.code, message: r.err.message.slice(0, 2048) });
  }
  const infoRead = await infoTask;
  const info = 'ok' in infoRead ? infoRead.ok : undefined;
  if ('err' in infoRead)
    errors.push({ call: 'info', code: infoRead.err.code, message: infoRead.err.message.slice(0, 2048) });
  await attrsRead;
  const ev = await eventsTask;
  // Container-level errors also appear at engine level, so one list answers "what went wrong in this scan".
  for (const c of containers) errors.push(...c.errors);

  return {
    engine: opts.engine,
    collectedAt: started.toISOString(),
    since: sinceDate.toISOString(),
    info: info?.facts,
    containers,
    images: images.sort((a, b) => a.id.localeCompare(b.id)),
    events: ev.events,
    execs: ev.execs,
    kubeAudit: [],
    errors,
    artifacts: [...(info ? [info.artifact] : []), ...imageArtifacts, ...ev.artifacts],
  };
}

/** How long an engine's settings are taken as read: swarm membership and security options change rarely. */
const INFO_TTL_MS = 30_000;
const infoRead = new WeakMap<Docker, { at: number; read: ReturnType<typeof engineInfo> }>();

/**
 * The engine's settings, read at most once per INFO_TTL_MS per client: /info is the slowest call of a scan on a busy
 * daemon (it runs the runtimes to ask their versions), and rescans follow each other closely. A failed read is
 * never kept. The artifact keeps the time of the read it comes from.
 */
function recentInfo(docker: Docker): ReturnType<typeof engineInfo> {
  const known = infoRead.get(docker);
  if (known && Date.now() - known.at < INFO_TTL_MS) return known.read;
  const read = engineInfo(docker);
  infoRead.set(docker, { at: Date.now(), read });
  read.catch(() => infoRead.delete(docker));
  return read;
}

/** The engine settings the benchmark reads; the artifact keeps only those fields, not the host inventory /info also holds. */
async function engineInfo(
  docker: Docker,
): Promise<{ facts: NonNullable<EngineEvidence['info']>; artifact: ArtifactRef }> {
  const raw = (await docker.info()) as {
    Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean };
    SecurityOptions?: string[];
  };
  const facts = {
    swarm: String(raw.Swarm?.LocalNodeState ?? 'inactive').slice(0, 32),
    swarmManager: raw.Swarm?.ControlAvailable === true,
    securityOptions: (raw.SecurityOptions ?? []).slice(0, 32).map((o) => String(o).slice(0, 256)),
  };
  return {
    facts,
    artifact: artifactRef(
      'inspect',
      'GET /info (Swarm, SecurityOptions)',
      JSON.stringify({ Swarm: raw.Swarm, SecurityOptions: raw.SecurityOptions }),
    ),
  };
}
