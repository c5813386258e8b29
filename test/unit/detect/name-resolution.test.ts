import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { container, engine, sha } from './fixtures.js';

const STOCK_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
  '172.17.0.2\tweb1',
].join('\n');

const file = (path: string, text: string) => ({ path, sha256: sha(text), size: text.length, text });

type Names = { hostname?: string; extraHosts?: string[]; dns?: string[]; links?: string[] };

function box(
  hosts: string | undefined,
  resolv: string | undefined,
  opts: { names?: Names; networkMode?: string; rewritten?: boolean; labels?: Record<string, string> } = {},
) {
  return container(
    {
      networkMode: opts.networkMode ?? 'bridge',
      labels: opts.labels ?? {},
      names: { hostname: 'web1', ...opts.names },
    },
    {
      engineFiles: [
        ...(hosts !== undefined ? [file('/etc/hosts', hosts)] : []),
        ...(resolv !== undefined ? [file('/etc/resolv.conf', resolv)] : []),
      ],
      engineFilesRewritten: opts.rewritten ? ['/etc/resolv.conf'] : [],
    },
  );
}

const run = (...cs: ReturnType<typeof box>[]) =>
  runDetectors(engine(cs), { only: ['name-resolution-tampering'] }).findings.map((f) => ({
    container: f.container?.name,
    cause: f.cause,
    summary: f.summary,
    severity: f.severity,
    attack: f.attack,
  }));

const HOST_RESOLV = 'nameserver 10.255.255.53\n';

describe('name-resolution-tampering', () => {
  it('stays quiet on what the engine writes and what the container was told', () => {
    const stock = box(STOCK_HOSTS, HOST_RESOLV);
    const addHost = box(`${STOCK_HOSTS}\n10.1.2.3\tdb.example.com`, HOST_RESOLV, {
      names: { extraHosts: ['db.example.com:10.1.2.3'] },
    });
    const gateway = box(`${STOCK_HOSTS}\n172.17.0.1\thost.docker.internal`, HOST_RESOLV, {
      names: { extraHosts: ['host.docker.internal:host-gateway'] },
    });
    const linked = box(`${STOCK_HOSTS}\n172.17.0.3\tdb 4f2a9c1b7e3d old_db`, HOST_RESOLV, {
      names: { links: ['/old_db:/web1/db'] },
    });
    const dns = box(STOCK_HOSTS, 'nameserver 10.9.9.9\nsearch corp.example\n', { names: { dns: ['10.9.9.9'] } });
    const userNet = box(STOCK_HOSTS, 'nameserver 127.0.0.11\noptions ndots:0\n', { networkMode: 'appnet' });
    const hostNet = box('127.0.0.1 localhost\n203.0.113.9 pkg.example.org\n', 'nameserver 127.0.0.53\n', {
      networkMode: 'host',
    });
    const embedded = box(STOCK_HOSTS, 'nameserver 127.0.0.11\noptions ndots:0\n', { networkMode: 'appnet' });
    expect(
      run(stock, addHost, gateway, linked, dns, userNet, hostNet, embedded, box(STOCK_HOSTS, HOST_RESOLV)),
    ).toEqual([]);
  });

  it('reports a public name redirected or sinkholed at high, with the precise technique', () => {
    const redirect = box(`${STOCK_HOSTS}\n127.0.0.9 registry-1.docker.io auth.docker.io`, HOST_RESOLV);
    const moved = box(`${STOCK_HOSTS}\n198.51.100.23 pypi.org files.pythonhosted.org`, HOST_RESOLV);
    const blocked = box(`${STOCK_HOSTS}\n0.0.0.0 telemetry.security-vendor.com`, HOST_RESOLV);
    const f = run(redirect, moved, blocked, box(STOCK_HOSTS, HOST_RESOLV));
    expect(f).toHaveLength(3);
    expect(f.every((x) => x.severity === 'high')).toBe(true);
    expect(f.find((x) => x.container === moved.container.name)?.attack).toContain('T1557');
    expect(f.find((x) => x.container === blocked.container.name)?.attack).toContain('T1562.001');
    // Another loopback address is a local listener the intruder runs (interception), not a sinkhole.
    expect(f.find((x) => x.container === redirect.container.name)?.cause).toBe('hosts-redirect');
  });

  it('reports a declared host moved, and localhost sent elsewhere, at high', () => {
    const moved = box(`${STOCK_HOSTS}\n203.0.113.50\tdb`, HOST_RESOLV, { names: { extraHosts: ['db:10.1.2.3'] } });
    const local = box(`127.0.0.1\tlocalhost\n203.0.113.50\tlocalhost\n`, HOST_RESOLV);
    const order = [moved, local].map((c) => c.container.name);
    const f = run(moved, local).sort((a, b) => order.indexOf(a.container!) - order.indexOf(b.container!));
    expect(f.map((x) => [x.container, x.cause, x.severity])).toEqual([
      [moved.container.name, 'hosts-redirect', 'high'],
      [local.container.name, 'hosts-redirect', 'high'],
    ]);
    expect(f[0]!.summary).toContain('not to the 10.1.2.3 it was started with');
    expect(f[1]!.summary).toContain('sends localhost to 203.0.113.50');
  });

  it('keeps service-discovery names and pod host aliases at low', () => {
    const legacy = box(`${STOCK_HOSTS}\n10.0.0.5 db\n10.0.0.6 cache.internal`, HOST_RESOLV);
    const pod = box(
      `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n10.244.1.7\tweb1\n\n# Entries added by HostAliases.\n10.0.0.9\tapi.partner.com\n`,
      HOST_RESOLV,
    );
    const f = run(legacy, pod);
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.severity === 'low')).toBe(true);
  });

  it('reports a replaced resolver against the embedded DNS, --dns, or the other containers', () => {
    const userNet = box(STOCK_HOSTS, 'nameserver 198.51.100.53\n', { networkMode: 'appnet' });
    const declared = box(STOCK_HOSTS, 'nameserver 10.9.9.9\nnameserver 203.0.113.53\n', {
      names: { dns: ['10.9.9.9'] },
    });
    const odd = box(STOCK_HOSTS, 'nameserver 127.0.0.53\n');
    const order = [userNet, declared, odd].map((c) => c.container.name);
    const f = run(userNet, declared, odd, box(STOCK_HOSTS, HOST_RESOLV), box(STOCK_HOSTS, HOST_RESOLV)).sort(
      (a, b) => order.indexOf(a.container!) - order.indexOf(b.container!),
    );
    expect(f.map((x) => [x.container, x.cause, x.severity])).toEqual([
      [userNet.container.name, 'resolver-replaced', 'high'],
      [declared.container.name, 'resolver-replaced', 'high'],
      [odd.container.name, 'resolver-replaced', 'high'],
    ]);
    expect(f[0]!.summary).toContain('198.51.100.53, not to the engine’s embedded DNS');
    expect(f[1]!.summary).toContain('203.0.113.53, not to the --dns servers');
    expect(f[2]!.summary).toContain('127.0.0.53, not to the resolvers of 2 other containers');
    expect(f[0]!.attack).toContain('T1071.004');
  });

  it('uses what the collector knows was rewritten: a lone container’s resolver, an edited option', () => {
    const alone = box(STOCK_HOSTS, 'nameserver 203.0.113.53\n', { rewritten: true });
    expect(run(alone)).toMatchObject([{ cause: 'resolver-changed', severity: 'medium' }]);
    expect(run(alone)[0]!.summary).toContain('now sends DNS queries to 203.0.113.53');
    const edited = 'nameserver 10.255.255.53\noptions ndots:15\n';
    const options = box(STOCK_HOSTS, edited, { rewritten: true });
    expect(run(options, box(STOCK_HOSTS, HOST_RESOLV))).toMatchObject([{ cause: 'resolver-changed', severity: 'low' }]);
  });
});
