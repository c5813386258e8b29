import type { ContainerEvidence, FileContent } from '@shared/domain/evidence-set.js';
import type { Detector, Hit } from '../detector.js';
import {
  hostsExpectation,
  isPublicName,
  isSinkhole,
  judgeHostsEntry,
  nameservers,
  parseHosts,
  sharesNameFiles,
  usesEmbeddedDns,
} from '../lib/name-files.js';
import { fileRef, oneLine } from '../lib/refs.js';

const EMBEDDED_DNS = '127.0.0.11';

const engineFile = (c: ContainerEvidence, path: string): FileContent | undefined =>
  c.engineFiles.find((f) => f.path === path && f.text !== undefined);

const serverList = (f: FileContent | undefined): string | undefined => (f ? nameservers(f.text!).join(',') : undefined);

/**
 * /etc/hosts and /etc/resolv.conf are written by the engine at start and bind-mounted from its own directory, so a
 * change to them shows in no diff. Rewriting them sends a name (a registry, an update server, an API) or every name
 * to an address the intruder chose, or cuts a security tool off from its backend.
 */
export const nameResolutionTampering: Detector = {
  meta: {
    id: 'name-resolution-tampering',
    title: 'Hosts file or DNS resolver rewritten inside a container',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1565.001', 'T1557', 'T1562.001', 'T1071.004'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      "the engine's /etc/hosts and /etc/resolv.conf for the container (host side from its container directory, else the archive endpoint)",
      "resolv.conf.hash, the engine's record of the resolv.conf it wrote (engines before 25, local); through the API, the files' times against the container's /etc/hostname",
      'inspect: Hostname, Domainname, ExtraHosts (--add-host), Dns (--dns), Links, network mode',
      'the resolvers of the engine’s other containers on the same kind of network',
    ],
    goal: 'Find entries in a container’s /etc/hosts that the engine did not write and nobody declared, and resolvers in its resolv.conf that differ from what the engine gave it: name redirection (a package mirror, a registry, a cloud API to an intruder’s address), sinkholing of a security or update service, and an intruder’s DNS server for tunnelling or interception.',
    blindSpots: [
      'Containers on the host’s network or another container’s network share those files; they are not judged here.',
      'Without `resolv.conf.hash` (engines 25 and later, remote engines) a default-bridge container’s resolvers are judged against its peers: an engine whose containers were all changed the same way looks normal.',
      'Kubernetes pods: entries below kubelet’s HostAliases comment are taken as declared (at most low); the pod spec is not compared.',
      'Names resolved by a resolver library the process brings (DNS over HTTPS, a static resolver) bypass both files.',
      'Through the Engine API (remote engines) a file is read only when it was written after the engine wrote the container’s /etc/hostname (a stat costs the daemon little, a read starts a tar process): a rewrite whose time was set back is missed there. Over ssh the files are not read at all: each stat there costs an ssh channel of its own (about 300 ms), which would double the scan.',
    ],
    falsePositives: [
      'Entrypoints that append service names for legacy discovery (`db`, `cache.internal`): single-label and private-suffix names are reported at low only. Prefer `--add-host`/`extra_hosts`, which are read as declared.',
      'Images that ship their own resolver configuration on purpose (a DNS proxy sidecar): suppress by image with `ref` `resolv.conf:*`.',
    ],
    response: [
      'Compare the file with the engine’s: `docker inspect -f {{.HostsPath}}` / `{{.ResolvConfPath}}` name the host copies; collect both as evidence.',
      'Resolve the redirected names from outside the container and look for connections to the rewritten addresses in the network graph.',
      'Find who wrote the file: exec sessions and processes that ran as root around the file’s change time.',
      'Recreate the container; the engine writes fresh files on start.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    // Default-bridge resolvers the engine hands out, by how many containers hold each list: the engine's own is
    // the common one when the engine recorded no hash.
    const peers = new Map<string, number>();
    for (const c of ev.containers) {
      const list = serverList(engineFile(c, '/etc/resolv.conf'));
      if (list === undefined || sharesNameFiles(c) || usesEmbeddedDns(c) || c.container.names?.dns.length) continue;
      peers.set(list, (peers.get(list) ?? 0) + 1);
    }
    for (const c of ev.containers) {
      if (sharesNameFiles(c)) continue;
      hits.push(...judgeHosts(c), ...judgeResolvConf(c, peers));
    }
    return hits;
  },
};

function judgeHosts(c: ContainerEvidence): Hit[] {
  const f = engineFile(c, '/etc/hosts');
  if (!f) return [];
  const expect = hostsExpectation(c);
  const hits: Hit[] = [];
  for (const e of parseHosts(f.text!)) {
    const v = judgeHostsEntry(e, expect);
    if (v.kind === 'expected') continue;
    const line = oneLine(e.line, 200);
    if (v.kind === 'localhost-moved') {
      hits.push({
        container: c,
        ref: `hosts:localhost:${e.ip}`,
        cause: 'hosts-redirect',
        summary: `/etc/hosts in ${c.container.name} sends localhost to ${oneLine(e.ip, 64)}: anything that trusts a local service talks to another address.`,
        evidence: [fileRef(f, line)],
        severity: 'high',
        attack: ['T1565.001', 'T1557'],
      });
      continue;
    }
    if (v.kind === 'declared-moved') {
      hits.push({
        container: c,
        ref: `hosts:${v.name}`,
        cause: 'hosts-redirect',
        summary: `/etc/hosts in ${c.container.name} sends ${oneLine(v.name, 120)} to ${oneLine(e.ip, 64)}, not to the ${oneLine(v.declared.join(', '), 120)} it was started with (--add-host).`,
        evidence: [fileRef(f, line)],
        severity: 'high',
        attack: ['T1565.001', 'T1557'],
      });
      continue;
    }
    const publicNames = v.names.filter(isPublicName);
    const sinkhole = isSinkhole(e.ip);
    const shown = oneLine(v.names.slice(0, 6).join(', '), 200);
    const declaredByPod = e.hostAliases;
    const severity = declaredByPod ? 'low' : publicNames.length ? 'high' : 'low';
    hits.push({
      container: c,
      ref: `hosts:${v.names[0]}`,
      cause: publicNames.length ? (sinkhole ? 'hosts-sinkhole' : 'hosts-redirect') : 'hosts-added',
      summary: publicNames.length
        ? sinkhole
          ? `/etc/hosts in ${c.container.name} blocks ${shown} (mapped to ${oneLine(e.ip, 64)}): a tool that reports to or updates from there is cut off.`
          : `/etc/hosts in ${c.container.name} redirects ${shown} to ${oneLine(e.ip, 64)}, an entry the engine did not write and nobody declared.`
        : `/etc/hosts in ${c.container.name} has an undeclared entry for ${shown} (${oneLine(e.ip, 64)})${declaredByPod ? ', below the pod’s HostAliases comment' : ''}.`,
      evidence: [fileRef(f, line)],
      severity,
      attack: publicNames.length ? (sinkhole ? ['T1562.001', 'T1565.001'] : ['T1565.001', 'T1557']) : ['T1565.001'],
    });
  }
  return hits;
}

function judgeResolvConf(c: ContainerEvidence, peers: Map<string, number>): Hit[] {
  const f = engineFile(c, '/etc/resolv.conf');
  if (!f) return [];
  const servers = nameservers(f.text!);
  const declared = c.container.names?.dns ?? [];
  const changed = c.engineFilesRewritten.includes('/etc/resolv.conf');
  let expected: string[] | undefined;
  let basis = '';
  if (usesEmbeddedDns(c)) {
    expected = [EMBEDDED_DNS];
    basis = 'the engine’s embedded DNS server on a user-defined network';
  } else if (declared.length) {
    expected = declared;
    basis = 'the --dns servers it was started with';
  } else {
    // The most common list among default-network containers, when at least one other container holds it.
    const own = servers.join(',');
    const [common, count] = [...peers].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const othersHolding = common === own ? count - 1 : count;
    if (othersHolding >= 1 && (common !== own || changed)) {
      expected = common.split(',').filter(Boolean);
      basis = `the resolvers of ${othersHolding} other container${othersHolding === 1 ? '' : 's'} on this engine`;
    }
  }
  const foreign = expected ? servers.filter((s) => !expected!.includes(s)) : [];
  if (foreign.length) {
    return [
      {
        container: c,
        ref: `resolv.conf:${foreign[0]}`,
        cause: 'resolver-replaced',
        summary: `resolv.conf in ${c.container.name} sends its DNS queries to ${oneLine(foreign.join(', '), 160)}, not to ${basis} (${oneLine(expected!.join(', ') || 'none', 120)})${changed ? '; the file differs from the one the engine wrote' : ''}.`,
        evidence: [
          fileRef(
            f,
            oneLine(
              f
                .text!.split('\n')
                .filter((l) => /^\s*nameserver/.test(l))
                .join(' | '),
              400,
            ),
          ),
        ],
        severity: 'high',
        attack: ['T1565.001', 'T1557', 'T1071.004'],
      },
    ];
  }
  if (!changed) return [];
  // The engine's record says the file changed; what it held before is unknown when no expectation stood.
  return [
    {
      container: c,
      ref: 'resolv.conf:changed',
      cause: 'resolver-changed',
      summary: expected
        ? `resolv.conf in ${c.container.name} differs from the one the engine wrote at start; its resolvers are as expected, so search domains or options were edited.`
        : `resolv.conf in ${c.container.name} differs from the one the engine wrote at start; it now sends DNS queries to ${oneLine(servers.join(', ') || 'no server', 160)}.`,
      evidence: [fileRef(f, oneLine(f.text!, 400))],
      severity: expected ? 'low' : 'medium',
      attack: expected ? ['T1565.001'] : ['T1565.001', 'T1557', 'T1071.004'],
    },
  ];
}
