import type { ContainerEvidence, EngineEvidence } from '@shared/domain/evidence-set.js';
import type { SocketInfo } from '@shared/domain/network.js';
import type { Detector, Hit } from '../detector.js';
import { imageOf } from '../lib/images.js';
import { oneLine, ref } from '../lib/refs.js';
import { isLoopback, isPrivate } from '../lib/sockets.js';

/** Fewest contacts before a series counts; fewer cannot show a rhythm. */
const MIN_CONTACTS = 4;
/** Coefficient of variation of the gaps below which contacts count as periodic. */
const MAX_JITTER = 0.35;
/**
 * Close times are exact to 10 ms, but a beacon's own scheduling on a busy host spreads them: sub-second sleeps
 * measured 0.4 here. Irregular clients (sleeps of 1 to 9 s) measure 0.65 and above.
 */
const MAX_CLOSE_JITTER = 0.5;
/** Coefficient of variation of new connections per second, for beacons faster than the polling. */
const MAX_RATE_JITTER = 0.5;
/** Linux keeps a closed connection in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN); what is left dates the close. */
const TIME_WAIT_MS = 60_000;

interface Connection {
  /** Collection time of the first snapshot that showed it. */
  firstSeen: number;
  /** When it closed, from the TIME_WAIT timer; the most precise time a snapshot gives. */
  closedAt?: number;
  inFirstSnapshot: boolean;
}

const counts = (s: SocketInfo): boolean =>
  s.protocol !== 'unix' &&
  s.state !== 'LISTEN' &&
  s.state !== 'UNCONN' &&
  s.remotePort !== 0 &&
  !isLoopback(s.remoteAddress);

/** Every outbound connection per remote endpoint across the snapshots, keyed by its local port. */
function connections(c: ContainerEvidence): Map<string, Map<number, Connection>> {
  const byRemote = new Map<string, Map<number, Connection>>();
  c.sockets.forEach((snap, i) => {
    const at = Date.parse(snap.collectedAt);
    for (const s of snap.sockets) {
      if (!counts(s)) continue;
      const key = `${s.remoteAddress}:${s.remotePort}`;
      const conns = byRemote.get(key) ?? new Map<number, Connection>();
      const conn = conns.get(s.localPort) ?? { firstSeen: at, inFirstSnapshot: i === 0 };
      if (s.state === 'TIME_WAIT' && s.timeWaitLeftMs !== undefined && conn.closedAt === undefined)
        conn.closedAt = at - (TIME_WAIT_MS - Math.min(s.timeWaitLeftMs, TIME_WAIT_MS));
      conns.set(s.localPort, conn);
      byRemote.set(key, conns);
    }
  });
  return byRemote;
}

const cv = (xs: number[]): number => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (mean <= 0) return Number.POSITIVE_INFINITY;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) / mean;
};

interface Rhythm {
  connections: number;
  periodS: number;
  jitter: number;
  how: string;
}

/** Close times from TIME_WAIT timers: exact enough for cadence, from one snapshot or many. */
function closeRhythm(conns: Connection[]): Rhythm | undefined {
  const closes = conns
    .map((x) => x.closedAt)
    .filter((t): t is number => t !== undefined)
    .sort((a, b) => a - b);
  if (closes.length < MIN_CONTACTS) return undefined;
  const gaps = closes.slice(1).map((t, i) => (t - closes[i]!) / 1000);
  const jitter = cv(gaps);
  if (jitter > MAX_CLOSE_JITTER) return undefined;
  return {
    connections: closes.length,
    periodS: gaps.reduce((a, b) => a + b, 0) / gaps.length,
    jitter,
    how: `close times from TIME_WAIT timers`,
  };
}

/**
 * Without timers, two views of the same rhythm from when connections first appear. Sparse beacons (slower than
 * the polling) show as contacts at regular gaps; dense ones as a steady number of new connections per second in
 * every interval. Connections the first snapshot already held may be old and only open the series.
 */
function appearanceRhythm(conns: Connection[], times: number[]): Rhythm | undefined {
  const fresh = times.map((at) => conns.filter((x) => !x.inFirstSnapshot && x.firstSeen === at).length);
  const total = fresh.reduce((a, b) => a + b, 0);
  if (total < MIN_CONTACTS) return undefined;
  const intervals = times
    .slice(1)
    .map((t, i) => ({ dt: (t - times[i]!) / 1000, fresh: fresh[i + 1]! }))
    .filter((x) => x.dt > 0);
  if (intervals.length >= MIN_CONTACTS - 1 && intervals.every((x) => x.fresh > 0)) {
    const rates = intervals.map((x) => x.fresh / x.dt);
    const jitter = cv(rates);
    if (jitter <= MAX_RATE_JITTER)
      return {
        connections: total,
        periodS: 1 / (rates.reduce((a, b) => a + b, 0) / rates.length),
        jitter,
        how: 'new connections per snapshot interval',
      };
  }
  const contacts = times.filter((_, i) => fresh[i]! > 0);
  if (contacts.length >= MIN_CONTACTS) {
    const gaps = contacts.slice(1).map((t, i) => (t - contacts[i]!) / 1000);
    const jitter = cv(gaps);
    if (jitter <= MAX_JITTER)
      return {
        connections: total,
        periodS: gaps.reduce((a, b) => a + b, 0) / gaps.length,
        jitter,
        how: 'snapshots that showed new connections',
      };
  }
  return undefined;
}

/** A container the evidence knows at that address whose image or configuration declares that port: a service polled on purpose. */
function declaredService(ev: EngineEvidence, addr: string, port: number): string | undefined {
  const a = addr.replace(/^::ffff:/, '');
  for (const o of ev.containers) {
    if (!o.container.networks.some((n) => n.ipAddress === a)) continue;
    const declared =
      [...o.container.exposedPorts, ...(imageOf(ev, o)?.exposedPorts ?? [])].some(
        (p) => p.split('/')[0] === String(port),
      ) || o.container.ports.some((p) => p.containerPort === port);
    if (declared) return o.container.name;
  }
  return undefined;
}

/**
 * Periodic contact with the same remote endpoint, from any number of socket snapshots: short connections that
 * close at a steady rhythm are dated by their TIME_WAIT timers (one snapshot holds the last minute of them), and
 * across snapshots by when new local ports appear. The port does not matter; a private destination only lowers
 * the finding when it is a service another container declares.
 */
export const beaconing: Detector = {
  meta: {
    id: 'beaconing',
    title: 'Periodic beaconing',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1071', 'T1571', 'T1001.001'],
    severity: 'medium',
    kind: 'live',
    dataSources: [
      '/proc/net/tcp{,6} of the container network namespace, one snapshot or many (scan, watch, observe sampling), including TIME_WAIT rows and their remaining TIME_WAIT timer',
      'container inspect of the other containers (addresses, exposed and published ports) to tell a declared service from an undeclared destination',
    ],
    goal: 'Find containers that open fresh connections to one remote endpoint at a steady rhythm, whatever the port, as implants checking in do (seed 004 maps this C2 to T1001.001, junk data hiding the real traffic). One snapshot is enough when four or more connections to the endpoint closed in the last minute: the TIME_WAIT timer of each dates its close.',
    blindSpots: [
      'Beacons slower than one per 15 s need several snapshots (watch or observe sampling); beacons with heavy random jitter are not called periodic.',
      'TIME_WAIT stays on the side that closes first: when the server closes (many HTTP servers do), the client keeps no TIME_WAIT row and only the appearance of new connections across snapshots is left.',
      'The content is not read: junk padding, encryption and domain fronting are invisible; UDP and ICMP beacons are not timed.',
    ],
    falsePositives: [
      'Health checks and pollers that call a service another container declares (EXPOSE or a published port) are reported as low; suppress known pollers by image with a `ref` glob on the endpoint.',
      'Metrics pushes and NTP-like clients to fixed endpoints outside the engine look the same; suppress by image and endpoint after review.',
    ],
    response: [
      'Record the endpoint and interval; check other containers and hosts for the same rhythm and endpoint.',
      'Identify the process that opens the connections (socket owner), capture its binary and memory, isolate the container from the network and block the endpoint.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      if (!c.sockets.length) continue;
      const times = c.sockets.map((s) => Date.parse(s.collectedAt));
      for (const [key, byPort] of connections(c)) {
        const conns = [...byPort.values()];
        // Timed closes, when they are most of the connections, are the better evidence: the rate of appearance is not
        // asked again. When the peer closes first, few connections leave TIME_WAIT here and appearance is all there is.
        const timedCount = conns.filter((x) => x.closedAt !== undefined).length;
        const timed = timedCount >= MIN_CONTACTS && timedCount * 2 >= conns.length;
        const r = timed
          ? closeRhythm(conns)
          : c.sockets.length >= MIN_CONTACTS
            ? appearanceRhythm(conns, times)
            : undefined;
        if (!r) continue;
        const addr = key.slice(0, key.lastIndexOf(':'));
        const port = Number(key.slice(key.lastIndexOf(':') + 1));
        const service = declaredService(ev, addr, port);
        const where = service
          ? `the service ${oneLine(service, 60)} declares`
          : isPrivate(addr)
            ? 'an internal endpoint no container here declares'
            : 'an external endpoint';
        const closes = conns
          .map((x) => x.closedAt)
          .filter((t): t is number => t !== undefined)
          .sort((a, b) => a - b);
        hits.push({
          container: c,
          ref: key,
          summary: `${c.container.name} opened ${r.connections} connections to ${oneLine(key, 80)}, ${where}, about every ${r.periodS < 10 ? r.periodS.toFixed(1) : Math.round(r.periodS)} s (jitter ${(r.jitter * 100).toFixed(0)} %, ${c.sockets.length} snapshot${c.sockets.length === 1 ? '' : 's'}).`,
          evidence: [
            ref(
              'socket',
              key,
              closes.length >= MIN_CONTACTS
                ? `closed at ${closes
                    .slice(-12)
                    .map((t) => new Date(t).toISOString().slice(11, 22))
                    .join(', ')} (${r.how})`
                : `new connections first seen at ${conns
                    .filter((x) => !x.inFirstSnapshot)
                    .map((x) => new Date(x.firstSeen).toISOString().slice(11, 19))
                    .slice(-12)
                    .join(', ')} (${r.how})`,
            ),
          ],
          severity: service ? 'low' : 'medium',
          attack: ['T1071', 'T1571'],
        });
      }
    }
    return hits;
  },
};
