import type { StatsSample } from '@shared/domain/evidence-set.js';
import type { Detector, Hit } from '../detector.js';
import { MINER } from '../lib/commands.js';
import { processesOf } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

/**
 * Is the container's CPU high now? With four or more samples the first half is the container's own baseline;
 * a container that was already that busy then is "always busy", which is its normal, not a spike.
 */
function spike(
  samples: StatsSample[],
  threshold: number,
): { now: number; base: number | undefined; alwaysBusy: boolean } | undefined {
  if (samples.length === 0) return undefined;
  const half = Math.floor(samples.length / 2);
  const recent = samples.length >= 4 ? samples.slice(half) : samples;
  const base = samples.length >= 4 ? median(samples.slice(0, half).map((s) => s.cpuPercent)) : undefined;
  const sustained = recent.filter((s) => s.cpuPercent >= threshold).length >= Math.ceil(recent.length * 0.75);
  if (!sustained) return undefined;
  return {
    now: median(recent.map((s) => s.cpuPercent)),
    base,
    alwaysBusy: base !== undefined && base >= threshold * 0.8,
  };
}

/**
 * Resource hijacking: CPU well above the container's own baseline joined with process evidence (miner
 * names, stratum URLs). A spike alone is reported low: the seeds warn that peak business load looks the same.
 */
export const resourceHijack: Detector = {
  meta: {
    id: 'resource-hijack',
    title: 'Resource hijacking (cryptomining)',
    strategy: ['ADS-c2-abuse'],
    attack: ['T1496'],
    severity: 'high',
    kind: 'live',
    dataSources: ['engine stats: CPU percent samples per container', 'host-side process list (cmdline, exe, comm)'],
    goal: 'Find containers burning CPU far above their own baseline together with miner evidence in their processes (xmrig-like names, stratum+tcp pool URLs), and report unexplained sustained spikes at low severity for context.',
    blindSpots: [
      'One scan gives one or two CPU samples; the per-container baseline needs repeated samples (watch mode).',
      'Miners throttled to low CPU, or renamed and configured through files rather than arguments, show only through their connections (outbound-nonstandard-port, beaconing) or drift.',
      'GPU mining is invisible to CPU stats.',
    ],
    falsePositives: [
      'Legitimate peak load, batch jobs and builds (the seeds\' "legitimate spikes"): without miner evidence a spike is low. Suppress known batch images by image; process evidence is never suppressed by default.',
    ],
    response: [
      'Confirm with the process list and the pool connection; record the wallet/pool from the command line or config.',
      'Stop the container, find the entry point (image, exec, exposed service), and look for the same miner elsewhere.',
    ],
  },
  detect(ev, { policy }) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const procs = processesOf(c).list.filter((p) => MINER.test(`${p.comm} ${p.cmdline} ${p.exe ?? ''}`));
      const s = spike(c.stats, policy.cpuSpikePercent);
      const cpuText = s
        ? `CPU at ${s.now.toFixed(0)} %${s.base !== undefined ? ` against a baseline of ${s.base.toFixed(0)} %` : ''}`
        : '';
      const statsRef = c.stats.length
        ? [
            ref(
              'stats',
              `${c.container.id.slice(0, 12)} stats`,
              `cpu% samples: ${c.stats.map((x) => x.cpuPercent.toFixed(0)).join(', ')}`,
            ),
          ]
        : [];
      if (procs.length > 0) {
        hits.push({
          container: c,
          ref: 'miner',
          summary: `${c.container.name} runs miner-like process ${oneLine(procs[0]!.comm, 40)} (pid ${procs[0]!.pid})${s ? ` with ${cpuText}` : ''}.`,
          evidence: [
            ...procs.slice(0, 8).map((p) => ref('process', `pid ${p.pid}`, oneLine(p.cmdline || p.comm, 400))),
            ...statsRef,
          ],
          severity: s ? 'critical' : 'high',
        });
      } else if (s && !s.alwaysBusy) {
        hits.push({
          container: c,
          ref: 'cpu-spike',
          summary: `${c.container.name} sustains ${cpuText} with no miner evidence in its processes.`,
          evidence: statsRef,
          severity: 'low',
        });
      }
    }
    return hits;
  },
};
