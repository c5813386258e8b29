import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';
import { isLoopback, isPrivate } from '../lib/sockets.js';

/** Fewest new-connection sightings before a series counts; fewer cannot show a rhythm. */
const MIN_CONTACTS = 4;
/** Coefficient of variation of the gaps below which contacts count as periodic. */
const MAX_JITTER = 0.35;

/**
 * Periodic contact with the same remote endpoint, seen across repeated socket snapshots: a new connection
 * (new local port) to the same address and port at a steady interval is the shape of an implant checking in.
 */
export const beaconing: Detector = {
  meta: {
    id: 'beaconing',
    title: 'Periodic beaconing',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1071', 'T1571'],
    severity: 'medium',
    kind: 'live',
    dataSources: ['repeated /proc/net/tcp{,6} and udp{,6} snapshots of the container network namespace, including TIME_WAIT rows'],
    goal: 'Find containers that open fresh connections to the same remote endpoint at a steady rhythm across socket snapshots, which long-lived monitoring of a container under investigation turns up even when each connection is short.',
    blindSpots: ['Needs several snapshots (watch mode or repeated scans); a single scan cannot see rhythm.', 'Beacons slower than the observation window, or with heavy random jitter, are not detected.', 'Connections that close and leave TIME_WAIT sooner than the poll interval can be merged or missed.'],
    falsePositives: ['Health checks, metrics pushes and polling clients (the seeds\' legitimate automation) are periodic too. Internal destinations are reported as low; suppress known pollers by image with a `ref` glob on the endpoint.'],
    response: ['Record the endpoint and interval; check other containers and hosts for the same rhythm and endpoint.', 'Identify the process that opens the connections (socket owner), capture its binary and memory, and block the endpoint.'],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      if (c.sockets.length < MIN_CONTACTS) continue;
      const contacts = new Map<string, number[]>();
      let prevPorts = new Map<string, Set<number>>();
      for (const snap of c.sockets) {
        const ports = new Map<string, Set<number>>();
        for (const s of snap.sockets) {
          if (s.protocol === 'unix' || s.state === 'LISTEN' || s.remotePort === 0 || isLoopback(s.remoteAddress)) continue;
          const key = `${s.remoteAddress}:${s.remotePort}`;
          const set = ports.get(key) ?? new Set<number>();
          set.add(s.localPort);
          ports.set(key, set);
        }
        const at = Date.parse(snap.collectedAt);
        for (const [key, set] of ports) {
          const before = prevPorts.get(key);
          if ([...set].some((p) => !before?.has(p))) contacts.set(key, [...(contacts.get(key) ?? []), at]);
        }
        prevPorts = ports;
      }
      for (const [key, times] of contacts) {
        if (times.length < MIN_CONTACTS) continue;
        const gaps = times.slice(1).map((t, i) => t - times[i]!);
        const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
        if (mean <= 0) continue;
        const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
        const jitter = sd / mean;
        if (jitter > MAX_JITTER) continue;
        const addr = key.slice(0, key.lastIndexOf(':'));
        const priv = isPrivate(addr);
        hits.push({
          container: c,
          ref: key,
          summary: `${c.container.name} opened new connections to ${priv ? 'internal' : 'external'} ${oneLine(key, 80)} in ${times.length} of ${c.sockets.length} snapshots, about every ${Math.round(mean / 1000)} s (jitter ${(jitter * 100).toFixed(0)} %).`,
          evidence: [ref('socket', key, `new connections at ${times.map((t) => new Date(t).toISOString().slice(11, 19)).join(', ')}`)],
          severity: priv ? 'low' : 'medium',
        });
      }
    }
    return hits;
  },
};
