import type { z } from 'zod';
import type { ContainerDetailSchema } from '@shared/domain/container.js';

export type ContainerDetailInput = z.input<typeof ContainerDetailSchema>;

/**
 * A plain, unprivileged, running busybox container as inspect would map it; fixtures override only what their
 * case is about. Free of Node imports so browser harnesses can use it too.
 */
export function containerDetail(over: Partial<ContainerDetailInput> & { id: string }): ContainerDetailInput {
  return {
    engineId: 'local',
    name: `c-${over.id.slice(0, 8)}`,
    image: 'stowaway-test/busybox:1',
    imageId: `sha256:${'c'.repeat(64)}`,
    command: 'sleep 3600',
    state: 'running',
    status: 'Up 1 minute',
    created: '2026-11-23T10:00:00.000Z',
    labels: {},
    entrypoint: [],
    cmd: ['sleep', '3600'],
    user: '',
    privileged: false,
    capAdd: [],
    capDrop: [],
    pidMode: '',
    networkMode: 'none',
    ipcMode: 'private',
    securityOpt: [],
    mounts: [],
    networks: [],
    ports: [],
    exposedPorts: [],
    logDriver: 'json-file',
    restartPolicy: 'no',
    env: [],
    graphDriver: { name: 'overlay2' },
    ...over,
  };
}
