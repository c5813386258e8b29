import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';
import { isLoopback, isPrivate } from '../lib/sockets.js';

/** Fewest new connections (or contacts) before a series counts; fewer cannot show a rhythm. */
const MIN_CONTACTS = 4;
/** Coefficient of variation of the gaps below which contacts count as periodic. */
const MAX_JITTER = 0.35;
/** Coefficient of variation of new connections per second, for beacons faster than the polling. */
const MAX_RATE_JITTER = 0.5;

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
      // Per remote endpoint: snapshot times, and how many new local ports (new connections) each snapshot showed.
      const series = new Map<string, Array<{ at: number; fresh: number }>>();
      let prevPorts = new Map<string, Set<number>>();
      c.sockets.forEach((snap, i) => {
        const ports = new Map<string, Set<number>>();
        for (const s of snap.sockets) {
          if (s.protocol === 'unix' || s.state === 'LISTEN' || s.remotePort === 0 || isLoopback(s.remoteAddress)) continue;
          const key = `${s.remoteAddress}:${s.remotePort}`;
          const set = ports.get(key) ?? new Set<number>();
          set.add(s.localPort);
          ports.set(key, set);
        }
        const at = Date.parse(snap.collectedAt);
        for (const key of new Set([...ports.keys(), ...series.keys()])) {
          const before = prevPorts.get(key);
          const fresh = [...(ports.get(key) ?? [])].filter((p) => !before?.has(p)).length;
          const list = series.get(key) ?? [];
          // The first snapshot has no predecessor: what it shows may be old, so it only opens the series.
          list.push({ at, fresh: i === 0 ? 0 : fresh });
          series.set(key, list);
        }
        prevPorts = ports;
      });
      for (const [key, points] of series) {
        const r = rhythm(points);
        if (!r) continue;
        const addr = key.slice(0, key.lastIndexOf(':'));
        const priv = isPrivate(addr);
        hits.push({
          container: c,
          ref: key,
          summary: `${c.container.name} opened ${r.connections} new connections to ${priv ? 'internal' : 'external'} ${oneLine(key, 80)} across ${c.sockets.length} snapshots, about every ${r.periodS < 10 ? r.periodS.toFixed(1) : Math.round(r.periodS)} s (jitter ${(r.jitter * 100).toFixed(0)} %).`,
          evidence: [ref('socket', key, `new connections per snapshot: ${points.slice(1).map((p) => `${new Date(p.at).toISOString().slice(11, 19)}+${p.fresh}`).join(', ')}`)],
          severity: priv ? 'low' : 'medium',
        });
      }
    }
    return hits;
  },
};

const cv = (xs: number[]): number => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (mean <= 0) return Number.POSITIVE_INFINITY;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) / mean;
};

/**
 * Two views of the same rhythm. Sparse beacons (slower than the polling) show as contacts at regular gaps;
 * dense ones (faster than the polling) as a steady number of new connections per second in every interval,
 * which does not depend on how long each collection took.
 */
function rhythm(points: Array<{ at: number; fresh: number }>): { connections: number; periodS: number; jitter: number } | undefined {
  const connections = points.reduce((a, p) => a + p.fresh, 0);
  if (connections < MIN_CONTACTS) return undefined;
  const contacts = points.filter((p) => p.fresh > 0).map((p) => p.at);
  const intervals = points.slice(1).map((p, i) => ({ dt: (p.at - points[i]!.at) / 1000, fresh: p.fresh })).filter((x) => x.dt > 0);
  if (intervals.length >= MIN_CONTACTS - 1 && intervals.every((x) => x.fresh > 0)) {
    const rates = intervals.map((x) => x.fresh / x.dt);
    const jitter = cv(rates);
    if (jitter <= MAX_RATE_JITTER) return { connections, periodS: 1 / (rates.reduce((a, b) => a + b, 0) / rates.length), jitter };
  }
  if (contacts.length >= MIN_CONTACTS) {
    const gaps = contacts.slice(1).map((t, i) => (t - contacts[i]!) / 1000);
    const jitter = cv(gaps);
    if (jitter <= MAX_JITTER) return { connections, periodS: gaps.reduce((a, b) => a + b, 0) / gaps.length, jitter };
  }
  return undefined;
}
