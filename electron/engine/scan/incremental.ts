import type Docker from 'dockerode';
import type { ArtifactRef, ContainerEvidence, EngineEvidence, ExecRecord } from '@shared/domain/evidence-set.js';
import type { EngineEvent } from '@shared/domain/event.js';
import { toAppError } from '../errors.js';
import { collectEngineEvidence, DEFAULT_SINCE, type EngineCollectOptions } from '../collect/engine-evidence.js';
import { collectEvents, execRecordsFromEvents, MAX_EVENTS } from '../collect/events.js';
import { containerPidsFromCgroup } from '../collect/cgroup-pids.js';
import { hostPidIndex } from '../collect/host-procs.js';
import { createLimiter } from '../collect/limiter.js';
import { parseSince } from '@shared/domain/duration.js';
import { withTimeout } from '../collect/timeout.js';
import { containerSignature } from './signatures.js';

/** What an incremental rescan compares against: the last evidence and each container's signature when it was read. */
export interface ScanBasis {
  evidence: EngineEvidence;
  signatures: Map<string, string>;
}

export interface IncrementalCollection {
  evidence: EngineEvidence;
  signatures: Map<string, string>;
  /** Containers whose earlier evidence was kept as it was. */
  reused: Set<string>;
}

const MAX_ARTIFACTS = 10_000;

/**
 * Collects a local engine, reading again only the containers that changed since `basis`: a different signature
 * (upper dir, PIDs, sockets, tmpfs, listed state), an engine event naming them, or no earlier host-side evidence.
 * The rest keep their earlier evidence. Without a basis every container is collected, and signatures are taken
 * for the next time. Signatures are taken before collecting, so a change made during the collection shows next time.
 */
export async function collectIncremental(
  docker: Docker,
  opts: EngineCollectOptions & { basis?: ScanBasis | null },
): Promise<IncrementalCollection> {
  const started = Date.now();
  const procRoot = opts.procRoot ?? '/proc';
  const timeoutMs = opts.callTimeoutMs ?? 15_000;
  const limit = createLimiter(Math.max(1, opts.concurrency ?? 8));
  const prev = opts.basis?.evidence;
  const prevById = new Map((prev?.containers ?? []).map((c) => [c.container.id, c]));

  let list: Docker.ContainerInfo[];
  try {
    list = await withTimeout(
      (signal) => docker.listContainers({ all: true, abortSignal: signal }),
      timeoutMs,
      'list containers',
    );
  } catch (e) {
    throw toAppError(e, `engine "${opts.engine.name}" at ${opts.engine.endpoint}`);
  }
  if (opts.containerIds?.length) list = list.filter((r) => opts.containerIds!.some((w) => r.Id.startsWith(w)));
  const listed = new Map(list.map((r) => [r.Id, `${r.State} ${r.Created}`]));
  const states = new Map(list.map((r) => [r.Id, r.State]));
  // A container's PIDs from its own cgroup, found through the init PID it had when read: a few small reads. The
  // host-wide index (every process's cgroup file) is taken once, only when some container's init PID no longer
  // leads to its cgroup (it restarted, or stopped).
  let index: Promise<Map<string, number[]>> | undefined;
  const pidsOf = async (id: string, c: ContainerEvidence | undefined): Promise<number[]> => {
    const state = states.get(id);
    // Created, exited and dead containers have no process; a paused one keeps its (frozen) processes.
    if (state !== 'running' && state !== 'paused') return [];
    const pid = c?.container.hostPid;
    const own = pid ? containerPidsFromCgroup(procRoot, pid, id) : null;
    return own ?? (await (index ??= hostPidIndex(procRoot))).get(id) ?? [];
  };
  const sign = (id: string, c: ContainerEvidence | undefined) =>
    limit(async () =>
      containerSignature(procRoot, {
        id,
        listed: listed.get(id) ?? '',
        upperDir: c?.container.graphDriver.upperDir,
        pids: await pidsOf(id, c),
      }),
    );
  const signatures = new Map<string, string>();
  await Promise.all(
    list.filter((r) => prevById.has(r.Id)).map(async (r) => signatures.set(r.Id, await sign(r.Id, prevById.get(r.Id)))),
  );

  // Engine events since the last collection name containers that changed in ways a signature cannot see (exec, rename, update).
  let fresh: EngineEvent[] = [];
  if (prev) {
    try {
      fresh = (
        await withTimeout(
          (signal) =>
            collectEvents(docker, opts.engine.id, Date.parse(prev.collectedAt) / 1000, started / 1000, signal),
          opts.eventsTimeoutMs ?? 30_000,
          'events',
        )
      ).events;
    } catch {
      // Without events, signatures alone decide; the full collection below reports the events error if it recurs.
    }
  }
  const touched = new Set(fresh.filter((e) => e.type === 'container').map((e) => e.actorId));
  const unchanged = (id: string) => {
    const old = prevById.get(id);
    return (
      old !== undefined &&
      old.access === 'host' &&
      !touched.has(id) &&
      signatures.get(id) === opts.basis!.signatures.get(id)
    );
  };
  const changed = list.map((r) => r.Id).filter((id) => !unchanged(id));
  const reused = new Set(list.map((r) => r.Id).filter(unchanged));

  if (!prev) {
    const evidence = await collectEngineEvidence(docker, opts);
    // First sight of these containers: their signature is taken just after, and the next rescan compares with it.
    await Promise.all(
      evidence.containers.map(async (c) => signatures.set(c.container.id, await sign(c.container.id, c))),
    );
    return { evidence, signatures, reused };
  }

  const since = parseSince(opts.since ?? DEFAULT_SINCE, started);
  const part = changed.length
    ? await collectEngineEvidence(docker, { ...opts, containerIds: changed, since: prev.collectedAt })
    : undefined;
  const freshById = new Map((part?.containers ?? []).map((c) => [c.container.id, c]));
  await Promise.all(
    [...freshById.values()]
      .filter((c) => !signatures.has(c.container.id))
      .map(async (c) => signatures.set(c.container.id, await sign(c.container.id, c))),
  );
  const containers = list
    .map((r) => freshById.get(r.Id) ?? (reused.has(r.Id) ? prevById.get(r.Id) : undefined))
    .filter((c): c is ContainerEvidence => c !== undefined);
  for (const id of [...signatures.keys()]) if (!listed.has(id)) signatures.delete(id);

  const newEvents = part?.events ?? fresh;
  const { events, execs } = mergeHistory(prev, newEvents, part?.execs ?? execRecordsFromEvents(newEvents), since);
  const imageIds = new Set(containers.map((c) => c.container.imageId));
  const images = [...(part?.images ?? [])];
  for (const img of prev.images) if (imageIds.has(img.id) && !images.some((i) => i.id === img.id)) images.push(img);
  return {
    evidence: {
      engine: opts.engine,
      collectedAt: new Date(started).toISOString(),
      since: since.toISOString(),
      containers,
      images: images.sort((a, b) => a.id.localeCompare(b.id)),
      events,
      execs,
      kubeAudit: [],
      errors: [
        ...(part?.errors ?? []),
        ...containers.filter((c) => reused.has(c.container.id)).flatMap((c) => c.errors),
      ],
      artifacts: dedupe<ArtifactRef>(
        [...(part?.artifacts ?? []), ...prev.artifacts],
        (a) => `${a.kind} ${a.sourceCall} ${a.sha256}`,
      ).slice(0, MAX_ARTIFACTS),
    },
    signatures,
    reused,
  };
}

/**
 * The history a rescan carries: the earlier scan's events and exec records still inside the window, then the new
 * ones, each bounded like a full collection (newest kept), so a long watch on a busy engine does not pile them up.
 */
export function mergeHistory(
  prev: Pick<EngineEvidence, 'events' | 'execs'>,
  newEvents: EngineEvent[],
  newExecs: ExecRecord[],
  since: Date,
): { events: EngineEvent[]; execs: ExecRecord[] } {
  const seen = new Set(prev.events.map(eventKey));
  const events = [
    ...prev.events.filter((e) => Date.parse(e.time) >= since.getTime()),
    ...newEvents.filter((e) => !seen.has(eventKey(e))),
  ].slice(-MAX_EVENTS);
  const execs = dedupe(
    [...prev.execs.filter((x) => Date.parse(x.time) >= since.getTime()), ...newExecs],
    (x) => x.execId,
  ).slice(-MAX_EVENTS);
  return { events, execs };
}

const eventKey = (e: EngineEvent) => `${e.timeNano ?? e.time} ${e.type} ${e.action} ${e.actorId}`;

function dedupe<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
