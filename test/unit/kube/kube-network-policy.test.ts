import { describe, expect, it } from 'vitest';
import { buildDeclaredGraph } from '../../../electron/engine/kube/declared-graph.js';
import { declaredPod, policy, type DeclaredNetwork } from '../../../electron/engine/kube/declared-network.js';
import { PolicyIndex } from '../../../electron/engine/kube/network-policy.js';

/** NetworkPolicy semantics on objects shaped as the API serves them: isolation, peers, namespaces, ports, egress. */
const podObj = (
  ns: string,
  name: string,
  labels: Record<string, string>,
  ports: { name: string; containerPort: number }[] = [],
) => ({
  metadata: { name, namespace: ns, uid: `${ns}-${name}`, labels },
  spec: { containers: [{ name: 'c', image: 'busybox', ports }] },
  status: { phase: 'Running', podIP: `10.1.0.${name.length}` },
});
const np = (ns: string, name: string, spec: Record<string, unknown>) =>
  policy({ metadata: { name, namespace: ns }, spec })!;

function network(policies: ReturnType<typeof np>[]): DeclaredNetwork {
  return {
    namespaces: {
      prod: { 'kubernetes.io/metadata.name': 'prod', env: 'prod' },
      mon: { 'kubernetes.io/metadata.name': 'mon', role: 'monitoring' },
      dev: { 'kubernetes.io/metadata.name': 'dev' },
    },
    pods: [
      podObj('prod', 'db', { app: 'db', tier: 'data' }, [{ name: 'pg', containerPort: 5432 }]),
      podObj('prod', 'api', { app: 'api' }),
      podObj('mon', 'prom', { app: 'prometheus' }),
      podObj('dev', 'shell', { app: 'shell' }),
    ].map((o) => declaredPod(o)!),
    services: [],
    policies,
    policiesKnown: true,
    errors: [],
  };
}

describe('NetworkPolicy evaluation', () => {
  const [db, api, prom, shell] = network([]).pods as [any, any, any, any];

  it('leaves pods no policy selects open, and isolates the ones a policy selects', () => {
    const idx = new PolicyIndex(
      network([
        np('prod', 'db-in', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'pg' }] }],
        }),
      ]),
    );
    expect(idx.reaches(api, db, 5432)).toBe(true);
    expect(idx.reaches(api, db, 22)).toBe(false);
    expect(idx.reaches(shell, db, 5432)).toBe(false);
    expect(idx.reaches(shell, api, 22)).toBe(true);
    // policyTypes defaults to Ingress: the policy does not restrict db's egress.
    expect(idx.reaches(db, shell, 22)).toBe(true);
  });

  it('combines namespaceSelector and podSelector in one peer, and honours matchExpressions', () => {
    const idx = new PolicyIndex(
      network([
        np('prod', 'db-mon', {
          podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['data'] }] },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { role: 'monitoring' } },
                  podSelector: { matchLabels: { app: 'prometheus' } },
                },
              ],
            },
          ],
          policyTypes: ['Ingress'],
        }),
      ]),
    );
    expect(idx.reaches(prom, db, 9187)).toBe(true);
    expect(idx.reaches(api, db, 5432)).toBe(false);
    expect(idx.reaches(shell, db, 5432)).toBe(false);
  });

  it('needs the source egress to allow the traffic too, and a deny-all ingress allows nothing', () => {
    const idx = new PolicyIndex(
      network([
        np('dev', 'dev-egress', {
          podSelector: {},
          egress: [
            { to: [{ namespaceSelector: { matchExpressions: [{ key: 'role', operator: 'Exists', values: [] }] } }] },
          ],
          policyTypes: ['Egress'],
        }),
        np('mon', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
      ]),
    );
    expect(idx.reaches(shell, api, 80)).toBe(false);
    expect(idx.reaches(shell, prom, 9090)).toBe(false);
    expect(idx.reaches(api, shell, 80)).toBe(true);
  });

  it('an unknown selector operator selects nothing rather than everything', () => {
    const idx = new PolicyIndex(
      network([
        np('prod', 'odd', {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['db'] }] },
          ingress: [],
        }),
      ]),
    );
    expect(idx.governing(db, 'Ingress')).toEqual([]);
  });

  it('draws allowed edges once per pair, ipBlock peers as endpoints, and open pods from one any-source node', () => {
    const g = buildDeclaredGraph(
      'kube:x',
      network([
        np('prod', 'db-in', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [
            {
              from: [
                { podSelector: { matchLabels: { app: 'api' } } },
                { ipBlock: { cidr: '203.0.113.0/24', except: [] } },
              ],
            },
          ],
        }),
      ]),
    );
    const label = (id: string) => g.nodes.find((n) => n.id === id)!.label;
    const allowed = g.edges
      .filter((e) => e.kind === 'allowed')
      .map((e) => `${label(e.source)} > ${label(e.target)}`)
      .sort();
    expect(allowed).toEqual([
      '203.0.113.0/24 > prod/db',
      'any source (no ingress policy) > dev/shell',
      'any source (no ingress policy) > mon/prom',
      'any source (no ingress policy) > prod/api',
      'prod/api > prod/db',
    ]);
    expect(g.nodes.find((n) => n.label === '203.0.113.0/24')).toMatchObject({ kind: 'endpoint', external: true });
    expect(g.access).toBe('declared');
  });
});

describe('a large cluster', () => {
  it('stops judging pairs at the edge limit and counts what it did not draw', () => {
    const pods = Array.from({ length: 3000 }, (_, i) => declaredPod(podObj('prod', `p${i}`, { app: 'x' }))!);
    const net: DeclaredNetwork = {
      namespaces: { prod: {} },
      pods,
      services: [],
      policies: [np('prod', 'all-to-all', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })],
      policiesKnown: true,
      errors: [],
    };
    const g = buildDeclaredGraph('kube:x', net);
    expect(g.edges.length).toBe(20_000);
    // Every pair past the limit is counted, none is judged (a pod's pair with itself is counted once it is past too).
    expect(g.truncated.edges).toBeGreaterThanOrEqual(3000 * 2999 - 20_000);
    expect(g.truncated.edges).toBeLessThanOrEqual(3000 * 3000 - 20_000);
  });
});
