import type Docker from 'dockerode';
import { existsSync } from 'node:fs';
import {
  ContainerEvidenceSchema,
  type ArtifactRef,
  type ContainerEvidence,
  type FileContent,
  type StatsSample,
} from '@shared/domain/evidence-set.js';
import type { ContainerDetail } from '@shared/domain/container.js';
import { hasEmbeddedDns } from '@shared/domain/container.js';
import type { FileChange } from '@shared/domain/file-change.js';
import type { NetworkSnapshot } from '@shared/domain/network.js';
import type { ProcessSnapshot } from '@shared/domain/process.js';
import type { ScanError } from '@shared/domain/scan.js';
import { mapContainerDetail } from '../docker/map.js';
import { toAppError } from '../errors.js';
import { artifactRef } from './artifacts.js';
import { parseLsattr, type AttrReader, type DeferredAttrReader } from './attrs.js';
import { readCriticalFromArchive, type ImageFileCache } from './critical-read.js';
import { readEngineFilesFromArchive } from './engine-files-archive.js';
import { execCapture, execNetTables, execProcessView } from './exec-capture.js';
import { mapApiChanges } from './file-changes.js';
import { canReadHostProc } from './host-access.js';
import { readHostSide, type HostSideJob, type HostSideResult } from './host-side.js';
import { extraContentPaths } from './content-paths.js';
import { addFlags, attrTargets } from './attr-targets.js';
import { LayerCache, layersOf } from './layers.js';
import { networkSnapshot, parseNetTables } from './sockets.js';
import { sampleStats } from './stats.js';
import { withTimeout } from './timeout.js';
import { apiTop } from './top.js';
import type { Limiter } from './limiter.js';

export interface CollectOptions {
  engineId: string;
  /** The engine runs on this host: host-side reads (/proc, overlay dirs, lsattr) may be tried, container by container. */
  local?: boolean;
  /** Where the host's procfs is; tests point it elsewhere only to prove fallbacks. */
  procRoot?: string;
  /** Per-call time-out; a call that exceeds it becomes an error entry. */
  callTimeoutMs?: number;
  /**
   * Allows reads that run the container's own binaries (exec) when the host cannot read its /proc.
   * Off by default: exec leaves an exec_create event and trusts binaries that may be trojaned.
   */
  exec?: boolean;
  /**
   * Two stats readings for CPU cost about half a second per container: `true` samples every running
   * container, `false` none, and 'auto' (the default) only those whose processes already look busy.
   */
  stats?: boolean | 'auto';
  /** Summed lifetime CPU of a container's processes at which 'auto' samples stats (default BUSY_CPU_PERCENT). */
  busyCpuPercent?: number;
  /**
   * Host PID to container index shared by every container of one engine scan, taken on first use: only containers
   * whose cgroup cannot be read directly need it.
   */
  pidIndex?: () => Promise<Map<string, number[]>>;
  /** Untouched critical files per image, read once per engine scan when files come through the archive endpoint. */
  imageFiles?: ImageFileCache;
  /** Shares lsattr runs between the containers of one engine scan. */
  attrReader?: AttrReader;
  /**
   * Engine scans: flags are read for all containers at once after the last one is collected, and added to the
   * evidence this function returned. Takes precedence over attrReader.
   */
  deferredAttrs?: DeferredAttrReader;
  /** Image-layer lookups and reads shared by the containers of one engine scan. */
  layerCache?: LayerCache;
  /** Runs the host-side reads (local engines); on this thread, with the options above, when absent. */
  hostReader?: HostReader;
  /**
   * Bounds the Engine API calls of one engine scan (inspect, top, changes, archive, exec) rather than whole
   * containers: host-side reads never wait for a call slot, and a container waiting on a shared read holds none.
   */
  callLimit?: Limiter;
  /**
   * Stat (and when rewritten, read) the engine's hosts and resolv.conf through the archive endpoint when the host
   * cannot read them. Off over ssh, where each stat costs a channel of its own (about 300 ms against 2 ms for an
   * inspect, measured with OpenSSH's defaults), which would double a scan.
   */
  engineFilesOverApi?: boolean;
}

/** Stats wait on purpose between their two requests, which a call slot would waste. */
const SLOTLESS = new Set(['stats']);
/** Made of several calls that each take a slot and time themselves once they have it. */
const SELF_TIMED = new Set(['archive:critical-files', 'archive:engine-files']);

/**
 * Through the archive endpoint every extra file is one more call (the API diff says nothing of file
 * types or sizes), so remote collection keeps extras to where persistence lives.
 */
const REMOTE_CONTENT_DIRS = ['/etc/', '/root/', '/home/', '/var/spool/cron/'];

const exists = (p: string): boolean => existsSync(p);

/** Reads the host side of one container, elsewhere or through `here` (this thread, with the collect options). */
export type HostReader = (
  job: HostSideJob,
  here: (job: HostSideJob) => Promise<HostSideResult>,
) => Promise<HostSideResult>;

const inProcess =
  (opts: CollectOptions) =>
  (job: HostSideJob): Promise<HostSideResult> =>
    readHostSide(job, {
      layerCache: opts.layerCache ?? new LayerCache(),
      pidIndex: opts.pidIndex,
      attrReader: opts.attrReader,
    });

/**
 * Everything about one container that detectors, views and bundles need, read-only. Host-side reads are
 * used when the engine is local and this container's processes are visible here; the Engine API otherwise.
 * Only a failed inspect (the container is gone) throws; every other failed call is kept in `errors`.
 */
export async function collectContainerEvidence(
  docker: Docker,
  containerId: string,
  opts: CollectOptions,
): Promise<ContainerEvidence> {
  const timeoutMs = opts.callTimeoutMs ?? 15_000;
  const procRoot = opts.procRoot ?? '/proc';
  const errors: ScanError[] = [];
  const artifacts: ArtifactRef[] = [];
  const api: Limiter = opts.callLimit ?? ((task) => task());
  let raw: Docker.ContainerInspectInfo;
  try {
    raw = await api(() =>
      withTimeout((signal) => docker.getContainer(containerId).inspect({ abortSignal: signal }), timeoutMs, 'inspect'),
    );
  } catch (e) {
    throw toAppError(e, `container ${containerId.slice(0, 12)}`);
  }
  const id = raw.Id;
  artifacts.push(artifactRef('inspect', `GET /containers/${id}/json`, JSON.stringify(raw), id));
  const container = mapContainerDetail(raw, opts.engineId);

  /** Runs one optional call; its failure becomes an error entry instead of failing the container. */
  const attempt = async <T>(call: string, fn: (signal?: AbortSignal) => Promise<T>): Promise<T | undefined> => {
    try {
      // The time-out starts once the call has its slot: waiting in line is not the engine being slow.
      if (SELF_TIMED.has(call)) return await fn();
      return SLOTLESS.has(call)
        ? await withTimeout((signal) => fn(signal), timeoutMs, call)
        : await api(() => withTimeout((signal) => fn(signal), timeoutMs, call));
    } catch (e) {
      const err = toAppError(e, `container ${id.slice(0, 12)}`);
      errors.push({ containerId: id, call, code: err.code, message: err.message.slice(0, 2048) });
      return undefined;
    }
  };

  const running = Boolean(raw.State?.Running) && (raw.State?.Pid ?? 0) > 0;
  const hostPid = running ? raw.State.Pid : undefined;
  const hostProc = Boolean(opts.local) && running && (await canReadHostProc(procRoot, hostPid, id));
  const layers = layersOf(container.graphDriver);
  const hostFs =
    Boolean(opts.local) &&
    container.graphDriver.name.startsWith('overlay') &&
    Boolean(layers.upper) &&
    exists(layers.upper!);
  const processes: ContainerEvidence['processes'] = {};
  const sockets: NetworkSnapshot[] = [];
  let mountPoints: string[] = [];
  let tmpfs: FileChange[] = [];
  let volumes: FileChange[] = [];
  let files: FileChange[] = [];
  let fileContents: FileContent[] = [];
  let engineFiles: FileContent[] = [];
  let engineFilesRewritten: string[] = [];
  let deferredRoot: string | undefined;
  let attrStamps: HostSideResult['attrStamps'];

  // Host-side reads start at once (on a reader thread where the scan has them) beside the Engine API calls below.
  const hostRead =
    hostProc || hostFs
      ? (opts.hostReader ?? ((job, here) => here(job)))(
          {
            id,
            procRoot,
            hostPid,
            hostProc,
            hostFs,
            pidMode: container.pidMode,
            layers,
            mergedDir: container.graphDriver.mergedDir,
            volumes: volumeJob(container),
            engineFiles: container.names && {
              hostnamePath: container.names.hostnamePath,
              hostsPath: container.names.hostsPath,
              resolvConfPath: container.names.resolvConfPath,
            },
            deferAttrs: Boolean(opts.deferredAttrs),
            timeoutMs,
          },
          inProcess(opts),
        ).then((r) => {
          if (hostProc) {
            processes.host = r.processes.host;
            processes.container = r.processes.container;
            sockets.push(...r.sockets);
            mountPoints = r.mountPoints;
            tmpfs = r.tmpfs;
          }
          if (hostFs) {
            files = r.files;
            fileContents = r.fileContents;
            volumes = r.volumeFiles;
            engineFiles = r.engineFiles;
            engineFilesRewritten = rewritten(
              r.engineFiles,
              r.engineFilesWrittenLater,
              container.networkMode,
              r.resolvConfHash,
            );
            deferredRoot = r.attrRoot;
            attrStamps = r.attrStamps;
          }
          artifacts.push(...r.artifacts);
          errors.push(...r.errors);
        })
      : undefined;

  const collectProcesses = async () => {
    if (!running) return;
    if (hostProc) return void (await hostRead);
    const top = await attempt('top', (signal) => apiTop(docker, id, signal));
    if (top) {
      processes.host = top.snapshot;
      artifacts.push(artifactRef('top', `GET /containers/${id}/top`, top.raw, id));
    }
    if (opts.exec) {
      const inside = await attempt('exec:/proc', () => execProcessView(docker, id));
      if (inside) {
        processes.container = inside.snapshot;
        artifacts.push(artifactRef('exec', `exec ${id.slice(0, 12)} /proc/*/stat`, inside.raw, id));
      }
      const net = await attempt('exec:/proc/net', () => execNetTables(docker, id));
      if (net) {
        sockets.push(networkSnapshot(id, 'exec', parseNetTables(net.tables)));
        artifacts.push(artifactRef('exec', `exec ${id.slice(0, 12)} /proc/net/*`, net.raw, id));
      }
    }
  };

  const collectEngineFiles = async () => {
    if (hostFs || opts.engineFilesOverApi === false) return;
    const read = await attempt('archive:engine-files', () =>
      readEngineFilesFromArchive(docker, id, opts.callLimit ?? ((task) => task()), timeoutMs),
    );
    if (!read) return;
    engineFiles = read.files;
    engineFilesRewritten = rewritten(read.files, read.writtenLater, container.networkMode);
    for (const c of read.files)
      artifacts.push({
        kind: 'archive',
        sourceCall: `GET /containers/${id}/archive?path=${c.path}`,
        collectedAt: new Date().toISOString(),
        sha256: c.sha256,
        size: c.size,
        containerId: id,
      });
  };

  const collectFiles = async () => {
    if (hostFs) return void (await hostRead);
    const changes = await attempt('changes', async (signal) => {
      const rows: unknown = await docker.getContainer(id).changes({ abortSignal: signal });
      return { rows, raw: Buffer.isBuffer(rows) ? rows : JSON.stringify(rows) };
    });
    if (changes) {
      files = mapApiChanges(changes.rows);
      artifacts.push(artifactRef('changes', `GET /containers/${id}/changes`, changes.raw, id));
    }
    const contents = await attempt('archive:critical-files', () =>
      readCriticalFromArchive(docker, id, {
        changes: files,
        extra: extraContentPaths(files).filter((p) => REMOTE_CONTENT_DIRS.some((d) => p.startsWith(d))),
        imageId: container.imageId,
        cache: opts.imageFiles,
        limit: opts.callLimit,
        timeoutMs,
      }),
    );
    if (contents) {
      fileContents = contents.contents;
      for (const c of contents.contents)
        artifacts.push({
          kind: 'archive',
          sourceCall: `GET /containers/${id}/archive?path=${c.path}`.slice(0, 2048),
          collectedAt: new Date().toISOString(),
          sha256: c.sha256,
          size: c.size,
          containerId: id,
        });
      // The archive gives content but not the hash of changed files: fill it in where we read the file anyway.
      const byPath = new Map(contents.contents.map((c) => [c.path, c]));
      for (const f of files) if (!f.sha256 && byPath.has(f.path)) f.sha256 = byPath.get(f.path)!.sha256;
    }
    if (opts.exec && running) await applyExecAttrs(docker, files, attempt, artifacts, id);
  };

  let stats: StatsSample[] = [];
  const collectStats = async () => {
    if (!running || opts.stats === false) return;
    if (opts.stats !== true && !looksBusy(processes.host, opts.busyCpuPercent ?? BUSY_CPU_PERCENT)) return;
    const s = await attempt('stats', () => sampleStats(docker, id));
    if (s) {
      stats = s.samples;
      artifacts.push(artifactRef('stats', `GET /containers/${id}/stats?one-shot=1 (x2)`, s.raw, id));
    }
  };

  await Promise.all([collectProcesses().then(collectStats), collectFiles(), collectEngineFiles(), hostRead]);
  files = withoutMountPoints(files, container.mounts);
  mapUserNames(processes, fileContents);

  // The schema clips every hostile string (a megabyte argv, a huge file name) before anything downstream sees it.
  // The container's detail was parsed by its mapper already.
  const evidence: ContainerEvidence = {
    container,
    ...EvidenceBodySchema.parse({
      processes,
      sockets,
      files,
      tmpfsFiles: tmpfs,
      volumeFiles: volumes,
      fileContents,
      engineFiles,
      engineFilesRewritten,
      mountPoints,
      stats,
      artifacts,
      access: hostProc || hostFs ? 'host' : 'api',
      errors: errors.slice(0, 256),
    }),
  };
  if (opts.deferredAttrs && deferredRoot !== undefined) {
    const root = deferredRoot;
    const targets = attrTargets(evidence.files);
    opts.deferredAttrs.defer(
      root,
      targets.map((f) => f.path),
      (flags, raw, kept) => {
        // Lines kept from an earlier run are said to be so: the artifact names what this scan ran.
        const call = kept
          ? `lsattr -d ${root}/... (${kept} of ${targets.length} lines from an earlier run, inode unchanged)`
          : `lsattr -d ${root}/...`;
        evidence.artifacts.push(artifactRef('attrs', call, raw, id));
        addFlags(targets, flags);
      },
      attrStamps,
    );
  }
  return evidence;
}

/**
 * Engine files the container rewrote: written after the engine's write window, or, for resolv.conf, unlike the hash
 * the engine recorded. On a user-defined network the engine writes its embedded server into resolv.conf later and
 * after it recorded the hash, so there only the content tells.
 */
function rewritten(files: FileContent[], writtenLater: string[], networkMode: string, recorded?: string): string[] {
  const embedded = hasEmbeddedDns(networkMode);
  const resolv = files.find((f) => f.path === '/etc/resolv.conf');
  const out = new Set(writtenLater.filter((p) => !(embedded && p === '/etc/resolv.conf')));
  if (resolv && recorded && !embedded) {
    // The engine's record is definitive either way.
    if (resolv.sha256 !== recorded) out.add('/etc/resolv.conf');
    else out.delete('/etc/resolv.conf');
  }
  return [...out].sort();
}

/**
 * The named volumes to list host side, and since when a write there is the container's: its start, less the moment
 * its first command may run before the engine records the start, but never before it was created.
 */
function volumeJob(c: ContainerDetail): HostSideJob['volumes'] {
  const mounts = c.mounts
    .filter((m) => m.type === 'volume' && m.source.startsWith('/'))
    .map((m) => ({ source: m.source, destination: m.destination }));
  const started = Date.parse(c.startedAt ?? '');
  const created = Date.parse(c.created);
  if (!mounts.length || !Number.isFinite(started) || started <= 0) return undefined;
  return { mounts, sinceMs: Math.max(Number.isFinite(created) ? created : 0, started - START_SLACK_MS) };
}

/** How long before the recorded start a container's first command may already run (measured: up to tens of ms). */
const START_SLACK_MS = 2000;

/**
 * The engine creates an empty file or directory in the container's layer where each bind mount or volume goes; the
 * diff lists it as added though the container wrote nothing there (what it holds is the mount's, not the layer's).
 */
function withoutMountPoints(files: FileChange[], mounts: { destination: string }[]): FileChange[] {
  if (!mounts.length) return files;
  const targets = new Set(mounts.map((m) => m.destination));
  return files.filter((f) => !(f.kind === 'added' && targets.has(f.path)));
}

/** What a container's evidence holds beside its detail. */
const EvidenceBodySchema = ContainerEvidenceSchema.omit({ container: true });

/** Lifetime CPU of the container's processes (summed) at which a scan takes stats samples on its own. */
export const BUSY_CPU_PERCENT = 25;

const looksBusy = (snap: ProcessSnapshot | undefined, threshold: number): boolean =>
  (snap?.processes ?? []).reduce((sum, p) => sum + (p.cpuPercent ?? 0), 0) >= threshold;

/** Remote engines: the container's own lsattr, when it has one and the analyst allowed exec. */
async function applyExecAttrs(
  docker: Docker,
  files: FileChange[],
  attempt: <T>(call: string, fn: () => Promise<T>) => Promise<T | undefined>,
  artifacts: ArtifactRef[],
  id: string,
): Promise<void> {
  const targets = files.filter((f) => f.kind !== 'deleted').slice(0, 400);
  if (!targets.length) return;
  const res = await attempt('exec:lsattr', () =>
    execCapture(docker, id, ['lsattr', '-d', '--', ...targets.map((f) => f.path)]),
  );
  if (!res) return;
  artifacts.push(artifactRef('exec', `exec ${id.slice(0, 12)} lsattr -d`, res.stdout, id));
  addFlags(targets, parseLsattr(res.stdout));
}

/** Host-side reads give numeric uids; the container's own /etc/passwd names them as its users know them. */
function mapUserNames(processes: ContainerEvidence['processes'], contents: FileContent[]): void {
  const passwd = contents.find((c) => c.path === '/etc/passwd')?.text;
  if (!passwd) return;
  const names = new Map<string, string>();
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    // The first entry for a uid wins, as getpwuid() does: an appended second uid-0 account must not rename root.
    if (f.length >= 3 && f[0] && /^\d+$/.test(f[2]!) && !names.has(f[2]!)) names.set(f[2]!, f[0].slice(0, 256));
  }
  for (const snap of [processes.host, processes.container]) {
    if (!snap || snap.source.startsWith('GET')) continue;
    for (const p of snap.processes) if (/^\d+$/.test(p.user) && names.has(p.user)) p.user = names.get(p.user)!;
  }
}
