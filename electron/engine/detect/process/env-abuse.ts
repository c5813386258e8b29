import type { Detector, Hit } from '../detector.js';
import { processesOf } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy'];
/** The CVE-2023-4911 shape: a tunable whose value holds another `name=` assignment, or a value no tuning needs. */
const MALFORMED_TUNABLES = (v: string) => /=[^:]*=/.test(v) || v.length > 256;

/**
 * Falco's "Program run with disallowed http proxy env" and "Potential Local Privilege Escalation via Environment Variables
 * Misuse", on live processes: environment variables a process carries that its container was not configured with.
 */
export const processEnvAbuse: Detector = {
  meta: {
    id: 'process-env-abuse',
    title: 'Process environment set to redirect traffic or exploit the loader',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1068', 'T1090', 'T1557'],
    severity: 'medium',
    kind: 'live',
    dataSources: [
      '/proc/PID/environ of the container processes, read host-side (GLIBC_TUNABLES and the proxy variables only)',
      'container inspect: Config.Env',
    ],
    goal: "Find processes whose environment the container configuration does not explain: a proxy variable that sends a program's traffic through a host of the attacker's choosing (interception, or a tunnel out), and GLIBC_TUNABLES, the variable of the Looney Tunables loader exploit (CVE-2023-4911), above all with the malformed value the exploit needs.",
    blindSpots: [
      'Only processes alive at collection: the exploit runs a setuid program once and is gone; what stays is the shell or the process that set the variable.',
      'Without host access the environment is not read (top shows no environment).',
      'Programs that read proxy settings from files (apt.conf, .npmrc, pip.conf) are not covered.',
    ],
    falsePositives: [
      'Proxies and tunables set in the container configuration (Config.Env) are inherited by every process and are not reported; proxies set by an entrypoint script at run time are: suppress by image and `ref` (`proxy:<var>`).',
      'Java and database images tune malloc with GLIBC_TUNABLES in their entrypoint: well-formed values not in Config.Env are low.',
    ],
    response: [
      'Read the process tree around the process: who set the variable, and what it ran with it.',
      'For a proxy: identify the proxy host and what crossed it; treat credentials the program sent as exposed.',
      'For malformed tunables: check for a root shell or new setuid files, preserve the container, and patch glibc in the image.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const { view, list } = processesOf(c);
      if (view !== 'host') continue;
      const configured = new Map(
        c.container.env.map((e) => [
          e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('=')),
          e.slice(e.indexOf('=') + 1),
        ]),
      );
      const seen = new Set<string>();
      for (const p of list) {
        const env = p.env ?? {};
        const tun = env.GLIBC_TUNABLES;
        if (tun !== undefined && configured.get('GLIBC_TUNABLES') !== tun) {
          const bad = MALFORMED_TUNABLES(tun);
          const key = `glibc-tunables:${p.exe ?? p.comm}`;
          if (!seen.has(key)) {
            seen.add(key);
            hits.push({
              container: c,
              ref: key,
              cause: bad ? 'glibc-tunables-malformed' : 'glibc-tunables',
              summary: `${oneLine(p.comm, 40)} (pid ${p.pid}) in ${c.container.name} runs with GLIBC_TUNABLES${bad ? ' shaped like the CVE-2023-4911 exploit (an assignment inside the value)' : ' that the container configuration does not set'}: ${oneLine(tun, 80)}.`,
              evidence: [
                ref(
                  'process',
                  `pid ${p.pid}`,
                  `GLIBC_TUNABLES=${oneLine(tun, 300)}; ${oneLine(p.cmdline || p.comm, 200)}`,
                ),
              ],
              severity: bad ? 'high' : 'low',
              attack: ['T1068'],
            });
          }
        }
        for (const v of PROXY_VARS) {
          const value = env[v];
          if (value === undefined || value === '' || configured.get(v) === value) continue;
          const key = `proxy:${v}:${p.exe ?? p.comm}`;
          if (seen.has(key)) continue;
          seen.add(key);
          hits.push({
            container: c,
            ref: key,
            cause: 'proxy-env',
            summary: `${oneLine(p.comm, 40)} (pid ${p.pid}) in ${c.container.name} sends its traffic through ${oneLine(value, 120)} (${v}), a proxy the container configuration ${configured.has(v) ? `sets otherwise (${oneLine(configured.get(v)!, 80)})` : 'does not set'}.`,
            evidence: [
              ref('process', `pid ${p.pid}`, `${v}=${oneLine(value, 300)}; ${oneLine(p.cmdline || p.comm, 200)}`),
            ],
            attack: ['T1090', 'T1557'],
          });
        }
      }
    }
    return hits;
  },
};
