import type { Detector, Hit } from '../detector.js';
import { processesOf } from '../lib/process.js';
import { inspectRef, oneLine, ref } from '../lib/refs.js';

const parseSize = (s: string): number => {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(s.trim());
  if (!m) return Number.POSITIVE_INFINITY;
  return (
    Number(m[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as Record<string, number>)[m[2]!.toLowerCase()]!
  );
};

/** Container output or shell history switched off, so what the intruder ran leaves no record. */
export const loggingDisabled: Detector = {
  meta: {
    id: 'logging-disabled',
    title: 'Logging or command history disabled',
    strategy: ['ADS-evasion'],
    attack: ['T1562.006', 'T1562.003'],
    severity: 'medium',
    kind: 'state',
    dataSources: [
      'container inspect: HostConfig.LogConfig (driver and options), Config.Env',
      'host /proc/PID/environ (HISTFILE, HISTSIZE) of live processes',
    ],
    goal: 'Find containers whose log driver is `none` (or whose log files are capped so small they are useless) while their siblings log normally, and shells running with history sent to /dev/null or set to zero.',
    blindSpots: [
      'Logs shipped by a driver to a remote system cannot be checked for deletion there.',
      'History turned off with `set +o history` or `unset HISTFILE` inside a shell does not change /proc/PID/environ.',
    ],
    falsePositives: [
      'High-volume batch jobs deliberately run with `--log-driver none` and images that set HISTFILE=/dev/null by default. Suppress by image with `ref` `log:none`.',
    ],
    response: [
      'Treat the container as unmonitored: collect its filesystem diff and process tree now.',
      'Find who set the log configuration (events, orchestration manifests).',
      'Restore the standard log driver; if history was disabled in an interactive shell, review the exec sessions into this container.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    const logging = ev.containers.filter((c) => c.container.logDriver && c.container.logDriver !== 'none').length;
    for (const c of ev.containers) {
      const d = c.container;
      if (d.logDriver === 'none') {
        hits.push({
          container: c,
          ref: 'log:none',
          summary: `Container ${d.name} has logging disabled (log driver none)${logging > 0 ? ` while ${logging} other container(s) on this engine log normally` : ''}.`,
          evidence: [inspectRef(c, 'HostConfig.LogConfig.Type', 'LogConfig.Type: none')],
          attack: ['T1562.006'],
          severity: logging > 0 ? 'medium' : 'low',
        });
      }
      const maxSize = d.logOptions['max-size'];
      if (maxSize && parseSize(maxSize) < 64 * 1024 && (d.logOptions['max-file'] ?? '1') === '1') {
        hits.push({
          container: c,
          ref: 'log:tiny',
          summary: `Container ${d.name} keeps at most ${oneLine(maxSize, 20)} of logs, which overwrites its output within seconds.`,
          evidence: [inspectRef(c, 'HostConfig.LogConfig.Config', `max-size=${maxSize}`)],
          attack: ['T1562.006'],
          severity: 'low',
        });
      }
      const envHist = d.env.find((e) => /^HISTFILE=\/dev\/null$|^HISTSIZE=0$|^HISTFILESIZE=0$/.test(e));
      if (envHist)
        hits.push({
          container: c,
          ref: 'hist:config',
          summary: `Container ${d.name} is configured with ${oneLine(envHist, 40)}, so shell history is not kept.`,
          evidence: [inspectRef(c, 'Config.Env', envHist)],
          attack: ['T1562.003'],
          severity: 'low',
        });
      for (const p of processesOf(c).list) {
        const env = p.env ?? {};
        const off = env.HISTFILE === '/dev/null' || env.HISTSIZE === '0' || env.HISTFILESIZE === '0';
        if (!off || envHist) continue;
        hits.push({
          container: c,
          ref: `hist:pid:${p.pid}`,
          summary: `Process ${oneLine(p.comm, 40)} (pid ${p.pid}) in ${d.name} runs with shell history disabled (${Object.entries(
            env,
          )
            .filter(([k]) => k.startsWith('HIST'))
            .map(([k, v]) => `${k}=${oneLine(v, 30)}`)
            .join(' ')}).`,
          evidence: [
            ref(
              'process',
              `pid ${p.pid}`,
              `environ: ${Object.entries(env)
                .map(([k, v]) => `${k}=${oneLine(v, 60)}`)
                .join(' ')}`,
            ),
          ],
          attack: ['T1562.003'],
        });
      }
    }
    return hits;
  },
};
