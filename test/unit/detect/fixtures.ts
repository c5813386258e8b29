import { createHash } from 'node:crypto';
import {
  ContainerEvidenceSchema,
  EngineEvidenceSchema,
  type ContainerEvidence,
  type EngineEvidence,
} from '@shared/domain/evidence-set.js';
import type { z } from 'zod';
import { containerDetail } from '../../helpers/container-detail.js';

type ContainerIn = z.input<typeof ContainerEvidenceSchema>;
type DetailIn = ContainerIn['container'];

export const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

let seq = 0;
/** A plain, unprivileged, running busybox container; tests override only what their case needs. */
export function detail(over: Partial<DetailIn> = {}): DetailIn {
  seq += 1;
  const id = (over.id ?? sha(`c${seq}`)).slice(0, 64);
  return containerDetail({
    name: `c${seq}`,
    imageId: 'sha256:' + sha('busybox'),
    startedAt: '2026-11-23T10:00:01.000Z',
    env: ['PATH=/bin:/sbin'],
    ...over,
    id,
  });
}

export function container(
  over: Partial<DetailIn> = {},
  rest: Partial<Omit<ContainerIn, 'container'>> = {},
): ContainerEvidence {
  return ContainerEvidenceSchema.parse({ container: detail(over), processes: {}, ...rest });
}

export function engine(
  containers: ContainerEvidence[],
  rest: Partial<z.input<typeof EngineEvidenceSchema>> = {},
): EngineEvidence {
  return EngineEvidenceSchema.parse({
    engine: { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: true },
    collectedAt: '2026-11-23T10:05:00.000Z',
    containers,
    images: [
      {
        id: 'sha256:' + sha('busybox'),
        repoTags: ['stowaway-test/busybox:1'],
        repoDigests: ['stowaway-test/busybox@sha256:' + sha('digest')],
        created: '2026-11-01T00:00:00Z',
        cmd: ['/bin/sh'],
        entrypoint: [],
        exposedPorts: [],
        env: [],
        history: [],
      },
    ],
    ...rest,
  });
}

/** A host-side process snapshot for a container. */
export function hostProcs(containerId: string, processes: Array<Record<string, unknown>>) {
  return {
    host: {
      containerId,
      view: 'host' as const,
      source: 'GET /containers/{id}/top',
      collectedAt: '2026-11-23T10:05:00.000Z',
      processes: processes.map((p, i) => ({ pid: 1000 + i, ppid: 1, user: 'root', comm: 'sh', cmdline: 'sh', ...p })),
    },
  };
}
