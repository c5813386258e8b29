import { randomUUID } from 'node:crypto';
import { PassThrough, Writable, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { BUSYBOX, docker, runContainer, TEST_LABEL } from '../docker.js';
import { pod, type PodSpecInput } from './objects.js';
import type { FakeKubeApi } from './server.js';
import type { ExecRunner } from './exec-ws.js';

/**
 * Pods that run for real: each pod container is a Docker container on the shared daemon carrying the kubelet's
 * pod labels and the suite's test label, and the pod object the fake API server holds reports that container's
 * docker:// id and address. The fake server's pods/exec runs in these containers; a node engine sees them as the
 * kubelet's containers.
 */

export const POD_LABELS = {
  uid: 'io.kubernetes.pod.uid',
  name: 'io.kubernetes.pod.name',
  namespace: 'io.kubernetes.pod.namespace',
  container: 'io.kubernetes.container.name',
} as const;

export interface RealPod {
  namespace: string;
  name: string;
  uid: string;
  ip: string;
  container: Docker.Container;
  containerId: string;
}

export interface RealPodOptions {
  suite: string;
  /** Docker network the container joins (an --internal one); none gives the pod no address. */
  network?: string;
  labels?: Record<string, string>;
  cmd?: string[];
  containerName?: string;
  ports?: { name?: string; containerPort: number }[];
  spec?: Partial<PodSpecInput>;
}

export async function startRealPod(
  api: FakeKubeApi,
  namespace: string,
  name: string,
  o: RealPodOptions,
): Promise<RealPod> {
  const uid = randomUUID();
  const cname = o.containerName ?? 'main';
  const container = await runContainer({
    suite: o.suite,
    name: `sw-${o.suite}-${name}-${process.pid}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 120),
    image: BUSYBOX,
    cmd: o.cmd ?? ['sleep', '3600'],
    labels: {
      [POD_LABELS.uid]: uid,
      [POD_LABELS.name]: name,
      [POD_LABELS.namespace]: namespace,
      [POD_LABELS.container]: cname,
    },
    hostConfig: { NetworkMode: o.network ?? 'none' },
  });
  const info = await container.inspect();
  const ip = o.network ? (info.NetworkSettings.Networks[o.network]?.IPAddress ?? '') : '';
  const obj = pod(
    namespace,
    name,
    { containers: [{ name: cname, image: BUSYBOX }], nodeName: 'node-1', ...(o.spec ?? {}) },
    { uid, labels: o.labels ?? { app: name } },
  );
  const spec = obj.spec as { containers: Record<string, unknown>[] };
  if (o.ports) spec.containers[0]!.ports = o.ports.map((p) => ({ ...p, protocol: 'TCP' }));
  const status = obj.status as Record<string, unknown> & { containerStatuses: Record<string, unknown>[] };
  status.containerStatuses[0]!.containerID = `docker://${info.Id}`;
  if (ip) Object.assign(status, { podIP: ip, podIPs: [{ ip }] });
  api.put(obj, { manager: 'kube-controller-manager' });
  return { namespace, name, uid, ip, container, containerId: info.Id };
}

/** The container standing in for a pod's container, found by the kubelet's labels (only this suite's). */
export async function podContainer(
  namespace: string,
  name: string,
  container?: string,
): Promise<Docker.ContainerInfo | undefined> {
  const labels = [
    `${POD_LABELS.namespace}=${namespace}`,
    `${POD_LABELS.name}=${name}`,
    ...(container ? [`${POD_LABELS.container}=${container}`] : []),
  ];
  const list = await docker.listContainers({ filters: { label: [TEST_LABEL, ...labels] } });
  return list[0];
}

/**
 * Runs `pods/exec` for real: `docker exec` in the labelled container standing in for the pod's container. A pod
 * with no such container answers as a kubelet does for a container that is not running.
 */
export function dockerExecRunner(): ExecRunner {
  return async (req) => {
    const found = await podContainer(req.namespace, req.pod, req.container);
    if (!found) throw new Error(`container not found ("${req.container}")`);
    const exec = await docker
      .getContainer(found.Id)
      .exec({ Cmd: req.command, AttachStdin: req.stdin, AttachStdout: true, AttachStderr: true, Tty: req.tty });
    const stream = (await exec.start({ hijack: true, stdin: req.stdin, Tty: req.tty })) as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    if (req.tty) stream.pipe(stdout);
    else docker.modem.demuxStream(stream, stdout, stderr);
    const ended = new Promise<void>((r) => {
      stream.on('end', r);
      stream.on('close', r);
    });
    void ended.then(() => {
      stdout.end();
      stderr.end();
    });
    const exit = ended.then(async () => ((await exec.inspect()) as { ExitCode: number | null }).ExitCode ?? 1);
    return {
      stdout,
      ...(req.tty ? {} : { stderr }),
      ...(req.stdin
        ? {
            stdin: new Writable({
              write: (c, _e, cb) => void stream.write(c, cb),
              final: (cb) => (stream.end(), cb()),
            }),
          }
        : {}),
      resize: (cols, rows) => void exec.resize({ w: cols, h: rows }).catch(() => undefined),
      exit,
    };
  };
}
