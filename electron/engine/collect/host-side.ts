import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ArtifactRef, ContainerEvidence, FileContent } from '@shared/domain/evidence-set.js';
import type { FileChange } from '@shared/domain/file-change.js';
import type { NetworkSnapshot } from '@shared/domain/network.js';
import type { ProcessSnapshot } from '@shared/domain/process.js';
import type { ScanError } from '@shared/domain/scan.js';
import { AppError } from '@shared/app-error.js';
import { toAppError } from '../errors.js';
import { artifactRef } from './artifacts.js';
import type { InodeStamp } from './inode-cache.js';
import { addFlags, attrTargets } from './attr-targets.js';
import { hostFileAttrs, overlayProtAttrs, type AttrReader } from './attrs.js';
import { containerPidsFromCgroup } from './cgroup-pids.js';
import { extraContentPaths } from './content-paths.js';
import { readEngineFilesOnHost, type EngineFilePaths } from './engine-files.js';
import { MAX_VOLUME_ENTRIES, volumeFiles, type VolumeMount } from './volume-files.js';
import { readCriticalFromLayers } from './critical-from-layers.js';
import { upperDirChanges } from './file-changes.js';
import { pidNamespaceDepth } from './host-access.js';
import { containerProcView, hostPidIndex, hostProcessSnapshot } from './host-procs.js';
import { LayerCache, type Layers } from './layers.js';
import { parseMounts } from './proc-parse.js';
import { readNoFollow } from './safe-read.js';
import { attributeSockets, networkSnapshot, parseNetTables, readNetTables } from './sockets.js';
import { textSync } from './sync-fs.js';
import { MAX_TMPFS_ENTRIES, scratchTmpfsMounts, tmpfsFiles } from './tmpfs-files.js';
import { withTimeout } from './timeout.js';

/** What the host-side reads of one container need: plain data, so that a worker thread can run them. */
export interface HostSideJob {
  id: string;
  procRoot: string;
  /** The container's init process on the host, when it runs. */
  hostPid?: number;
  /** Read its processes, sockets and mounts through the host's /proc. */
  hostProc: boolean;
  /** Read its file changes and critical files through its overlay layers. */
  hostFs: boolean;
  pidMode?: string;
  layers: Layers;
  mergedDir?: string;
  /** The container's named volumes and since when its writes count: what it wrote there is in no diff. */
  volumes?: { mounts: VolumeMount[]; sinceMs: number };
  /** The engine's own files for the container (hosts, resolv.conf), read with its file changes. */
  engineFiles?: EngineFilePaths;
  /** The engine scan reads the flags of every container at once later: return the root to read them under. */
  deferAttrs: boolean;
  timeoutMs: number;
}

export interface HostSideResult {
  processes: ContainerEvidence['processes'];
  sockets: NetworkSnapshot[];
  mountPoints: string[];
  tmpfs: FileChange[];
  volumeFiles: FileChange[];
  files: FileChange[];
  fileContents: FileContent[];
  engineFiles: FileContent[];
  resolvConfHash?: string;
  engineFilesWrittenLater: string[];
  artifacts: ArtifactRef[];
  errors: ScanError[];
  /** Where the deferred flag reads of `files` are to be made. */
  attrRoot?: string;
  /** The upper dir's stamp of each changed path, by container path: flags of unchanged inodes are not read again. */
  attrStamps?: Map<string, InodeStamp>;
}

/** What the containers of one engine scan share on the thread that reads them. */
export interface HostSideContext {
  layerCache: LayerCache;
  /** Host PID to container index of the scan, taken on first use (only containers whose cgroup is unreadable need it). */
  pidIndex?: () => Promise<Map<string, number[]>>;
  attrReader?: AttrReader;
}

const exists = (p: string): boolean => existsSync(p);

/**
 * Everything a local engine's host shows of one container without asking the engine: its processes (host view and
 * the container's own procfs), sockets, mounts and tmpfs scratch files, and its overlay diff with the critical files.
 * Never throws: each failed read is an error entry.
 */
export async function readHostSide(job: HostSideJob, ctx: HostSideContext): Promise<HostSideResult> {
  const { id, procRoot, hostPid, layers } = job;
  const running = hostPid !== undefined;
  const errors: ScanError[] = [];
  const artifacts: ArtifactRef[] = [];
  const processes: ContainerEvidence['processes'] = {};
  const sockets: NetworkSnapshot[] = [];
  let mountPoints: string[] = [];
  let tmpfs: FileChange[] = [];
  let volumes: FileChange[] = [];
  let files: FileChange[] = [];
  let fileContents: FileContent[] = [];
  let engineFiles: FileContent[] = [];
  let resolvConfHash: string | undefined;
  let engineFilesWrittenLater: string[] = [];
  let deferredRoot: string | undefined;
  let attrStamps: Map<string, InodeStamp> | undefined;

  const attempt = async <T>(call: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await withTimeout(fn(), job.timeoutMs, call);
    } catch (e) {
      const err = processGone(call, e) ?? toAppError(e, `container ${id.slice(0, 12)}`);
      errors.push({ containerId: id, call, code: err.code, message: err.message.slice(0, 2048) });
      return undefined;
    }
  };

  const readProcesses = async () => {
    if (!job.hostProc || !running) return;
    // The scan's shared index was taken before this container was inspected: a restart in between leaves it naming
    // the processes of the run that ended, so it only stands when it holds the PID inspect gave.
    const pids = containerPidsFromCgroup(procRoot, hostPid!, id) ?? (await indexedPids(procRoot, id, hostPid!, ctx));
    const depth = await pidNamespaceDepth(procRoot, hostPid!);
    const host = await attempt('host:/proc', () => hostProcessSnapshot(procRoot, id, pids, depth));
    // Sharing the host's PID namespace, the container's procfs is the host's: there is no second view to compare.
    const inside =
      job.pidMode === 'host'
        ? undefined
        : await attempt('host:/proc/PID/root/proc', () => containerProcView(procRoot, hostPid!, id));
    if (host && inside) await reconcileHidden(procRoot, hostPid!, host, inside);
    processes.host = host;
    processes.container = inside;
    if (host)
      artifacts.push(
        artifactRef('proc', `host:${procRoot}/{${pids.slice(0, 64).join(',')}}`, JSON.stringify(host.processes), id),
      );
    if (inside) artifacts.push(artifactRef('proc', inside.source, JSON.stringify(inside.processes), id));
    const net = await attempt('host:/proc/PID/net', () => readNetTables(procRoot, hostPid!));
    if (net) {
      const list = parseNetTables(net.tables);
      attributeSockets(list, host?.processes ?? []);
      sockets.push(networkSnapshot(id, `host:${procRoot}/${hostPid}/net`, list));
      artifacts.push(
        artifactRef(
          'sockets',
          `host:${procRoot}/${hostPid}/net/{tcp,tcp6,udp,udp6,unix,packet,sockstat,sockstat6}`,
          net.raw,
          id,
        ),
      );
    }
    const mountinfo = await attempt('host:/proc/PID/mountinfo', async () => {
      // When the quick read fails, the ordinary read names why (a process gone with its daemon is ENOENT).
      return (
        textSync(`${procRoot}/${hostPid}/mountinfo`) ?? (await readFile(`${procRoot}/${hostPid}/mountinfo`, 'utf8'))
      );
    });
    if (mountinfo !== undefined) {
      const mounts = parseMounts(mountinfo);
      mountPoints = mounts.map((m) => m.mountPoint);
      artifacts.push(artifactRef('proc', `host:${procRoot}/${hostPid}/mountinfo`, mountinfo, id));
      const scratch = scratchTmpfsMounts(mounts);
      const listed = scratch.length
        ? await attempt('host:/proc/PID/root tmpfs', () => tmpfsFiles(procRoot, hostPid!, scratch, mountPoints))
        : undefined;
      if (listed) {
        tmpfs = listed.files;
        artifacts.push(
          artifactRef('changes', `host:${procRoot}/${hostPid}/root{${scratch.join(',')}}`, JSON.stringify(tmpfs), id),
        );
        if (listed.truncated)
          errors.push({
            containerId: id,
            call: 'host:/proc/PID/root tmpfs',
            code: 'TRUNCATED',
            message: `More than ${MAX_TMPFS_ENTRIES} entries in tmpfs scratch mounts; the rest were not read.`,
          });
      }
    }
  };

  const readFiles = async () => {
    if (!job.hostFs) return;
    const diff = await attempt('host:upperdir', () => upperDirChanges(layers, ctx.layerCache));
    if (diff) {
      files = diff.changes;
      attrStamps = diff.stamps;
      artifacts.push(artifactRef('changes', `host:${layers.upper}`, JSON.stringify(files), id));
      if (diff.truncated)
        errors.push({
          containerId: id,
          call: 'host:upperdir',
          code: 'TRUNCATED',
          message: `More than ${files.length} changed paths; the rest were not read.`,
        });
    }
    const contents = await attempt('host:critical-files', () =>
      readCriticalFromLayers(layers, extraContentPaths(files), ctx.layerCache),
    );
    if (contents) {
      fileContents = contents;
      for (const c of contents)
        artifacts.push({
          kind: 'archive',
          sourceCall: `host:layers:${c.path}`.slice(0, 2048),
          collectedAt: new Date().toISOString(),
          sha256: c.sha256,
          size: c.size,
          containerId: id,
        });
    }
    const root = running ? attrRoot(job.mergedDir, procRoot, hostPid) : layers.upper!;
    if (job.deferAttrs) deferredRoot = root;
    else await applyHostAttrs(files, root, attempt, artifacts, id, ctx.attrReader);
    // Without a mounted view overlayfs' own record of the flags is an xattr on the upper files.
    if (!running) await applyProtAttrs(files, layers.upper!, attempt, artifacts, id);
  };

  const readEngineFiles = async () => {
    if (!job.hostFs || !job.engineFiles) return;
    const read = await attempt('host:engine-files', async () => readEngineFilesOnHost(job.engineFiles!));
    if (!read) return;
    engineFiles = read.files;
    resolvConfHash = read.resolvConfHash;
    engineFilesWrittenLater = read.writtenLater;
    const where = { '/etc/hosts': job.engineFiles.hostsPath, '/etc/resolv.conf': job.engineFiles.resolvConfPath };
    for (const c of read.files)
      artifacts.push({
        kind: 'archive',
        sourceCall: `host:${where[c.path as keyof typeof where] ?? c.path}`.slice(0, 2048),
        collectedAt: new Date().toISOString(),
        sha256: c.sha256,
        size: c.size,
        containerId: id,
      });
  };

  const readVolumes = async () => {
    if (!job.hostFs || !job.volumes?.mounts.length) return;
    const listed = await attempt('host:volumes', () => volumeFiles(job.volumes!.mounts, job.volumes!.sinceMs));
    if (!listed) return;
    volumes = listed.files;
    artifacts.push(
      artifactRef(
        'changes',
        `host:{${job.volumes.mounts.map((m) => m.source).join(',')}}`.slice(0, 2048),
        JSON.stringify(volumes),
        id,
      ),
    );
    if (listed.truncated)
      errors.push({
        containerId: id,
        call: 'host:volumes',
        code: 'TRUNCATED',
        message: `More than ${MAX_VOLUME_ENTRIES} entries in the container's volumes; the rest were not read.`,
      });
  };

  await Promise.all([readProcesses(), readFiles(), readEngineFiles(), readVolumes()]);
  return {
    processes,
    sockets,
    mountPoints,
    tmpfs,
    volumeFiles: volumes,
    files,
    fileContents,
    engineFiles,
    engineFilesWrittenLater,
    ...(resolvConfHash ? { resolvConfHash } : {}),
    artifacts,
    errors,
    ...(deferredRoot !== undefined ? { attrRoot: deferredRoot, attrStamps } : {}),
  };
}

/** The container's PIDs from the host-wide index: the scan's shared one while it still holds the PID inspect gave. */
async function indexedPids(procRoot: string, id: string, hostPid: number, ctx: HostSideContext): Promise<number[]> {
  // The shared index may predate this container's inspect: a restart in between leaves it naming the processes of
  // the run that ended.
  const shared = await ctx.pidIndex?.();
  const index = shared?.get(id)?.includes(hostPid) ? shared : await hostPidIndex(procRoot);
  return index.get(id) ?? [hostPid];
}

/** A view in which overlayfs reports the container's file flags: its merged dir, else its root through /proc. */
function attrRoot(mergedDir: string | undefined, procRoot: string, hostPid: number | undefined): string {
  if (mergedDir && exists(mergedDir)) return mergedDir;
  return `${procRoot}/${hostPid}/root`;
}

type Attempt = <T>(call: string, fn: () => Promise<T>) => Promise<T | undefined>;

async function applyHostAttrs(
  files: FileChange[],
  root: string,
  attempt: Attempt,
  artifacts: ArtifactRef[],
  id: string,
  reader?: AttrReader,
): Promise<void> {
  const targets = attrTargets(files);
  if (!targets.length) return;
  const res = await attempt('host:lsattr', () =>
    hostFileAttrs(
      root,
      targets.map((f) => f.path),
      reader,
    ),
  );
  if (!res) return;
  artifacts.push(artifactRef('attrs', `lsattr -d ${root}/...`, res.raw, id));
  addFlags(targets, res.flags);
}

async function applyProtAttrs(
  files: FileChange[],
  upper: string,
  attempt: Attempt,
  artifacts: ArtifactRef[],
  id: string,
): Promise<void> {
  const targets = attrTargets(files);
  if (!targets.length) return;
  const res = await attempt('host:getfattr', () =>
    overlayProtAttrs(
      upper,
      targets.map((f) => f.path),
    ),
  );
  if (!res) return;
  artifacts.push(artifactRef('attrs', `getfattr -m overlay.protattr ${upper}/...`, res.raw, id));
  addFlags(targets, res.flags);
}

/**
 * A PID the host sees but the container's procfs does not is hidden only if it still exists afterwards:
 * a process that simply exited between the two reads is dropped, not flagged.
 */
async function reconcileHidden(
  procRoot: string,
  hostPid: number,
  host: ProcessSnapshot,
  inside: ProcessSnapshot,
): Promise<void> {
  const seen = new Set(inside.processes.map((p) => p.pid));
  const gone = new Set<number>();
  for (const p of host.processes) {
    if (p.nsPid === undefined || seen.has(p.nsPid)) continue;
    const [stillOnHost, nowInside] = await Promise.all([
      exists(`${procRoot}/${p.pid}/status`),
      readNoFollow(`${procRoot}/${hostPid}/root/proc/${p.nsPid}/status`, 64 * 1024).then(
        (r) => Boolean(r?.data.length),
        () => false,
      ),
    ]);
    if (!stillOnHost) gone.add(p.pid);
    else if (!nowInside) p.flags.push('hidden');
  }
  if (gone.size) host.processes = host.processes.filter((p) => !gone.has(p.pid));
}

/** A host read of /proc that finds no file: the container's process ended (or its daemon went) while it was read. */
function processGone(call: string, e: unknown): AppError | undefined {
  const code = (e as { code?: string })?.code;
  if (!call.startsWith('host:/proc') || (code !== 'ENOENT' && code !== 'ESRCH')) return undefined;
  return new AppError('NOT_FOUND', `the container's process ended while ${call} was read`);
}
