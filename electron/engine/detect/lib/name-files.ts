import { hasEmbeddedDns } from '@shared/domain/container.js';
import type { ContainerEvidence } from '@shared/domain/evidence-set.js';
import { isLoopback, isUnspecified } from './sockets.js';

/** One address line of /etc/hosts: the address and the names it gives, with the section it was written in. */
export interface HostsEntry {
  ip: string;
  names: string[];
  line: string;
  /** Written below kubelet's "Entries added by HostAliases." comment: declared in the pod spec, as far as text says. */
  hostAliases: boolean;
}

export function parseHosts(text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  let aliases = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (/^#\s*Entries added by HostAliases/i.test(line)) aliases = true;
    const body = line.replace(/#.*/, '').trim();
    if (!body) continue;
    const [ip, ...names] = body.split(/\s+/);
    if (!ip || names.length === 0) continue;
    out.push({ ip, names: names.map((n) => n.toLowerCase()), line, hostAliases: aliases });
  }
  return out;
}

export const nameservers = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim().match(/^nameserver\s+(\S+)/)?.[1])
    .filter((x): x is string => Boolean(x));

/** Names the engine writes itself: loopback and the IPv6 well-known groups. */
const STANDARD = new Set([
  'localhost',
  'localhost.localdomain',
  'ip6-localhost',
  'ip6-loopback',
  'ip6-localnet',
  'ip6-mcastprefix',
  'ip6-allnodes',
  'ip6-allrouters',
]);

/** Suffixes that never leave a site: a name under them is service discovery, not a redirect of someone else's name. */
const PRIVATE_SUFFIXES = [
  '.local',
  '.localdomain',
  '.internal',
  '.lan',
  '.home',
  '.home.arpa',
  '.corp',
  '.intranet',
  '.private',
  '.svc',
  '.cluster.local',
  '.test',
  '.example',
  '.invalid',
  '.localhost',
];

/** A dotted name whose last label is not a private suffix: somebody else's name on the internet. */
export function isPublicName(name: string): boolean {
  if (!name.includes('.') || /^[\d.]+$/.test(name)) return false;
  return !PRIVATE_SUFFIXES.some((s) => name.endsWith(s));
}

/** Addresses that make a name unreachable rather than send it somewhere: sinkholing, to cut a tool off. */
export const isSinkhole = (ip: string): boolean =>
  isUnspecified(ip) || ip === '127.0.0.1' || ip === '::1' || ip === '0:0:0:0:0:0:0:1';

/** What the container was told to have in /etc/hosts: its own names, `--add-host` pairs and legacy link names. */
export interface HostsExpectation {
  own: Set<string>;
  /** `--add-host name:ip`; an ip of `host-gateway` stands for whatever the engine resolved it to. */
  declared: Map<string, Set<string>>;
  links: Set<string>;
}

export function hostsExpectation(c: ContainerEvidence): HostsExpectation {
  const n = c.container.names;
  const own = new Set<string>();
  const host = (n?.hostname ?? '').toLowerCase();
  if (host) {
    own.add(host);
    if (n?.domainname) own.add(`${host}.${n.domainname.toLowerCase()}`);
  }
  own.add(c.container.id.slice(0, 12));
  const declared = new Map<string, Set<string>>();
  for (const pair of n?.extraHosts ?? []) {
    // name:ip, where the ip may itself hold colons (IPv6); several names may share one entry in newer engines.
    const at = pair.indexOf(':');
    if (at < 0) continue;
    const ip = pair.slice(at + 1).replace(/^\[|\]$/g, '');
    for (const name of pair.slice(0, at).toLowerCase().split(/\s+/).filter(Boolean)) {
      declared.set(name, (declared.get(name) ?? new Set()).add(ip));
    }
  }
  const links = new Set<string>();
  for (const l of n?.links ?? []) {
    // "/other:/self/alias"
    const [target, alias] = l.split(':');
    if (target) links.add(target.replace(/^\//, '').toLowerCase());
    if (alias) links.add(alias.split('/').pop()!.toLowerCase());
  }
  return { own, declared, links };
}

export type HostsVerdict =
  | { kind: 'expected' }
  | { kind: 'declared-moved'; name: string; declared: string[] }
  | { kind: 'localhost-moved' }
  | { kind: 'added'; names: string[] };

/** Judges one hosts line against what the engine wrote and what the container was told. */
export function judgeHostsEntry(e: HostsEntry, x: HostsExpectation): HostsVerdict {
  if (e.names.some((n) => n === 'localhost') && !isLoopback(e.ip)) return { kind: 'localhost-moved' };
  // A legacy link's line names the alias, the linked container's ID and its name together.
  if (e.names.some((n) => x.links.has(n))) return { kind: 'expected' };
  const unknown: string[] = [];
  for (const name of e.names) {
    if (STANDARD.has(name) && (isLoopback(e.ip) || /^f[ef]0/i.test(e.ip))) continue;
    if (x.own.has(name)) continue;
    const ips = x.declared.get(name);
    if (ips) {
      if (ips.has(e.ip) || ips.has('host-gateway')) continue;
      return { kind: 'declared-moved', name, declared: [...ips] };
    }
    unknown.push(name);
  }
  return unknown.length ? { kind: 'added', names: unknown } : { kind: 'expected' };
}

export const usesEmbeddedDns = (c: ContainerEvidence): boolean => hasEmbeddedDns(c.container.networkMode);

/** Modes whose files are not the container's own to judge: the host's copy, or another container's. */
export const sharesNameFiles = (c: ContainerEvidence): boolean =>
  c.container.networkMode === 'host' || c.container.networkMode.startsWith('container:');
