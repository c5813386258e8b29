import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import type { KubePodList } from '@shared/domain/evidence-set.js';
import { container, engine, sha } from './fixtures.js';

/** The pod-list side of shadow-container: pod labels are checked against the pods the API server lists. */
const labelled = (uid: string, name: string) =>
  container({
    name: `k8s_main_${name}_default_${uid}_0`,
    labels: { 'io.kubernetes.pod.uid': uid, 'io.kubernetes.pod.name': name, 'io.kubernetes.pod.namespace': 'default' },
  });
const pods = (uids: string[], over: Partial<KubePodList> = {}): KubePodList => ({
  context: 'node-1',
  listedAt: '2026-11-23T10:04:00.000Z',
  pods: uids.map((uid, i) => ({ uid, name: `p${i}`, namespace: 'default' })),
  truncated: false,
  ...over,
});
const listing = {
  kind: 'kube-api' as const,
  sourceCall: 'GET /api/v1/pods (context node-1, page 1)',
  collectedAt: '2026-11-23T10:04:00.000Z',
  sha256: sha('pods'),
  size: 10,
};
const shadow = (ev: ReturnType<typeof engine>) => runDetectors(ev, { only: ['shadow-container'] }).findings;

describe('shadow-container cross-view with the pod list', () => {
  const real = labelled('uid-real', 'web-1');
  const ghost = labelled('uid-ghost', 'web-2');

  it('flags a container whose pod uid the API server does not list, citing the listing by hash', () => {
    const found = shadow(engine([real, ghost], { kubePods: pods(['uid-real']), artifacts: [listing] }));
    expect(found.map((f) => [f.container?.name, f.severity, f.attack.join(',')])).toEqual([
      [ghost.container.name, 'high', 'T1610,T1036.005'],
    ]);
    expect(found[0]!.summary).toContain('default/web-2 (uid uid-ghost)');
    expect(found[0]!.evidence[1]).toMatchObject({ kind: 'inspect', ref: 'kube:node-1/pods', sha256: sha('pods') });
  });

  it('is silent about pod labels when no pod list was collected, or when the list was cut short', () => {
    expect(shadow(engine([real, ghost]))).toEqual([]);
    expect(shadow(engine([real, ghost], { kubePods: pods(['uid-real'], { truncated: true }) }))).toEqual([]);
  });

  it('keeps finding kubelet-style names without labels beside the cross-view', () => {
    const disguised = container({ name: 'k8s_kube-proxy_kube-proxy-x1_kube-system_abc_0' });
    const found = shadow(engine([real, disguised], { kubePods: pods(['uid-real']) }));
    expect(found.map((f) => f.container?.name)).toEqual([disguised.container.name]);
  });

  it('hostile label values are shown on one line and bounded', () => {
    const evil = labelled(`uid\u001b]0;pwned\u0007${'x'.repeat(500)}`, 'w');
    const f = shadow(engine([evil], { kubePods: pods([]) }))[0]!;
    expect(f.summary).not.toMatch(/[\u0000-\u001f]/);
    expect(f.summary.length).toBeLessThanOrEqual(1024);
  });
});

describe('shadow-container: containers the API reports on this node but the engine does not run', () => {
  const real = labelled('uid-real', 'web-1');
  const withContainers = (extra: KubePodList['pods']): KubePodList => ({
    context: 'node-1',
    listedAt: '2026-11-23T10:04:00.000Z',
    truncated: false,
    pods: [
      {
        uid: 'uid-real',
        name: 'web-1',
        namespace: 'default',
        nodeName: 'node-1',
        phase: 'Running',
        containers: [{ name: 'main', containerID: `docker://${real.container.id}` }],
      },
      ...extra,
    ],
  });

  it('reports a running pod of this node whose docker container the engine lacks', () => {
    const gone = {
      uid: 'uid-gone',
      name: 'web-9',
      namespace: 'default',
      nodeName: 'node-1',
      phase: 'Running',
      containers: [{ name: 'main', containerID: `docker://${'e'.repeat(64)}` }],
    };
    const found = shadow(engine([real], { kubePods: withContainers([gone]), artifacts: [listing] }));
    expect(found.map((f) => [f.severity, f.workload])).toEqual([
      ['medium', { kind: 'Pod', namespace: 'default', name: 'web-9', container: 'main' }],
    ]);
    expect(found[0]!.summary).toContain('running on node node-1');
    expect(found[0]!.evidence[0]!.sha256).toBe(sha('pods'));
  });

  it('does not judge pods of other nodes, pods not running, or containers of another runtime', () => {
    const other = {
      uid: 'u2',
      name: 'a',
      namespace: 'default',
      nodeName: 'node-2',
      phase: 'Running',
      containers: [{ name: 'c', containerID: `docker://${'f'.repeat(64)}` }],
    };
    const done = {
      uid: 'u3',
      name: 'b',
      namespace: 'default',
      nodeName: 'node-1',
      phase: 'Succeeded',
      containers: [{ name: 'c', containerID: `docker://${'a'.repeat(64)}` }],
    };
    const cri = {
      uid: 'u4',
      name: 'c',
      namespace: 'default',
      nodeName: 'node-1',
      phase: 'Running',
      containers: [{ name: 'c', containerID: `containerd://${'b'.repeat(64)}` }],
    };
    expect(shadow(engine([real], { kubePods: withContainers([other, done, cri]) }))).toEqual([]);
  });
});
