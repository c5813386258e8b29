import type { Detector, Hit } from '../detector.js';
import { oneLine, ref } from '../lib/refs.js';

interface Life {
  id: string;
  name: string;
  image?: string;
  labels: Record<string, string>;
  create?: number;
  start?: number;
  die?: number;
  destroy?: number;
  exitCode?: string;
}

/** Attributes Docker puts on container events besides labels. */
const NOT_LABELS = new Set([
  'name',
  'image',
  'exitCode',
  'signal',
  'execID',
  'container',
  'comment',
  'imageID',
  'imageRef',
  'driver',
  'execDuration',
]);

/**
 * Hit-and-run containers: created, started and destroyed within seconds (`docker run --rm`). A scan sees
 * nothing of them; only the event history remembers they existed.
 */
export const shortLivedContainers: Detector = {
  meta: {
    id: 'short-lived-container',
    title: 'Hit-and-run container',
    strategy: ['ADS-c2-abuse', 'ADS-evasion'],
    attack: ['T1610', 'T1070'],
    severity: 'medium',
    kind: 'event',
    dataSources: ['engine events: container create, start, die, destroy (with name, image and labels attributes)'],
    goal: "Find containers that lived only seconds and removed themselves (`docker run -d --rm`), the seeds' example of using container ephemerality to leave no trace for later inspection.",
    blindSpots: [
      'Only the collected event window is seen (default 24 h); the daemon keeps a limited event buffer.',
      'What the container did is gone with it; only its name, image and labels remain.',
    ],
    falsePositives: [
      'CI jobs, one-off maintenance commands and test suites create short-lived containers all the time. Suppress by CI label or image (e.g. `match.label: "com.gitlab.gitlab-runner.job.id"`), keeping the findings visible as suppressed.',
    ],
    response: [
      'Find who ran it (engine access logs, shell history, CI records) and whether the image is known.',
      'Pull the image and inspect its entrypoint and history; check for side effects on the host (volumes, created containers, network connections at that time).',
    ],
  },
  detect(ev, { policy }) {
    const lives = new Map<string, Life>();
    for (const e of ev.events) {
      if (e.type !== 'container' || !['create', 'start', 'die', 'destroy'].includes(e.action)) continue;
      const l = lives.get(e.actorId) ?? {
        id: e.actorId,
        name: e.attributes.name ?? e.actorName ?? e.actorId.slice(0, 12),
        image: e.attributes.image,
        labels: {},
      };
      for (const [k, v] of Object.entries(e.attributes)) if (!NOT_LABELS.has(k)) l.labels[k] = v;
      const t = e.timeNano !== undefined ? e.timeNano / 1e6 : Date.parse(e.time);
      const action = e.action as 'create' | 'start' | 'die' | 'destroy';
      if (l[action] === undefined) l[action] = t;
      if (action === 'die' && e.attributes.exitCode !== undefined) l.exitCode = e.attributes.exitCode;
      lives.set(e.actorId, l);
    }
    const hits: Hit[] = [];
    for (const l of lives.values()) {
      const born = l.create ?? l.start;
      if (born === undefined || l.destroy === undefined) continue;
      const secs = (l.destroy - born) / 1000;
      if (secs < 0 || secs > policy.shortLivedSeconds) continue;
      hits.push({
        subject: { id: l.id, name: l.name, image: l.image, labels: l.labels },
        ref: `life:${l.id}`,
        summary: `Container ${oneLine(l.name, 60)} (image ${oneLine(l.image ?? 'unknown', 80)}) was created, ran and was removed within ${secs.toFixed(1)} s${l.exitCode !== undefined ? `, exit code ${oneLine(l.exitCode, 8)}` : ''}.`,
        evidence: [
          ref(
            'event',
            `container ${l.id.slice(0, 12)}`,
            `create→destroy ${secs.toFixed(1)} s; image ${oneLine(l.image ?? '?', 120)}`,
          ),
        ],
      });
    }
    return hits;
  },
};
