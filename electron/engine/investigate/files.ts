import type Docker from 'dockerode';
import type { FileDiff, FileSide } from '@shared/api/investigate.js';
import type { EngineRegistry } from '../connections/registry.js';
import { toAppError } from '../errors.js';
import type { PartialHandlers } from '../handlers.js';
import { lineDiff } from './files-diff.js';
import { MISSING, readFromLowerDirs, readViaArchive } from './files-read.js';

/** Label on the created-never-started containers used to read an image's files; a sweep can find leftovers. */
export const TEMP_LABEL = 'stowaway.temp';
const TEST_LABEL = 'stowaway.test';

/** Compares a container's file with the version its image shipped, without running anything in either. */
export class FileInvestigator {
  constructor(
    private readonly engines: EngineRegistry,
    /** Read the image side from overlay lower dirs when the engine is on this host (the fast path). */
    private readonly opts: { lowerDir?: boolean } = {},
  ) {}

  handlers(): Pick<Required<PartialHandlers>, 'investigate.fileDiff'> {
    return {
      'investigate.fileDiff': async ({ engineId, containerId, path }) => this.fileDiff(engineId, containerId, path),
    };
  }

  async fileDiff(engineId: string, containerId: string, filePath: string): Promise<FileDiff> {
    const docker = await this.engines.client(engineId);
    try {
      const target = docker.getContainer(containerId);
      const info = (await target.inspect()) as Docker.ContainerInspectInfo;
      const current = await readViaArchive(target, filePath);
      const { side: image, source } = await this.imageSide(engineId, docker, info, filePath);
      const both = current.text !== undefined && image.text !== undefined;
      const onlyOne = (current.text !== undefined && !image.exists) || (image.text !== undefined && !current.exists);
      const d =
        both || onlyOne
          ? lineDiff(image.text ?? '', current.text ?? '')
          : { lines: [], added: 0, removed: 0, linesTruncated: false };
      return { path: filePath, container: current, image, imageSource: source, ...d };
    } catch (e) {
      throw toAppError(e, `engine "${engineId}"`);
    }
  }

  private async imageSide(
    engineId: string,
    docker: Docker,
    info: Docker.ContainerInspectInfo,
    filePath: string,
  ): Promise<{ side: FileSide; source: FileDiff['imageSource'] }> {
    const endpoint = this.engines.config(engineId).endpoint;
    const lower = (info.GraphDriver?.Data as Record<string, string> | undefined)?.LowerDir;
    // Overlay directories name paths on the engine's host, so they only mean something when that host is this one.
    if (this.opts.lowerDir !== false && endpoint.type === 'unix' && lower) {
      const side = await readFromLowerDirs(lower, filePath).catch(() => undefined);
      if (side) return { side, source: 'lowerdir' };
    }
    const image = info.Image;
    if (!image) return { side: MISSING, source: 'none' };
    const labels: Record<string, string> = { [TEMP_LABEL]: 'file-diff' };
    const testLabel = info.Config?.Labels?.[TEST_LABEL];
    if (testLabel) labels[TEST_LABEL] = testLabel;
    // Created, never started: the image's filesystem becomes readable through the archive endpoint.
    const temp = await docker.createContainer({
      Image: image,
      Entrypoint: ['/stowaway-never-started'],
      Cmd: [],
      Labels: labels,
      NetworkDisabled: true,
      HostConfig: { NetworkMode: 'none', AutoRemove: false },
    });
    try {
      return { side: await readViaArchive(temp, filePath), source: 'temp-container' };
    } finally {
      await temp.remove({ force: true, v: true }).catch(() => undefined);
    }
  }
}
