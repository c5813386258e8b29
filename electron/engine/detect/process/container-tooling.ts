import type { ProcessInfo } from '@shared/domain/process.js';
import type { Severity } from '@shared/domain/finding.js';
import type { Detector, Hit } from '../detector.js';
import { exeBase, firstProcess, namesOf, processesOf } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';

interface ToolClass {
  cause: string;
  what: string;
  names: RegExp;
  severity: Severity;
  attack: string[];
}

/** Programs a service container has no reason to run, by the class Falco's rules give them. */
const CLASSES: ToolClass[] = [
  {
    cause: 'network-recon-tool',
    what: 'a network scanning or capture tool',
    names: /^(nmap|masscan|zmap|rustscan|tcpdump|tshark|dumpcap|ngrep|hping3?|arpspoof|ettercap|bettercap|responder)$/,
    severity: 'medium',
    attack: ['T1046', 'T1040'],
  },
  {
    cause: 'cluster-client-tool',
    what: 'a Kubernetes or container client',
    names: /^(kubectl|oc|helm|k9s|crictl|ctr|nerdctl|docker|podman|kubeletctl|peirates)$/,
    severity: 'medium',
    attack: ['T1613', 'T1609'],
  },
  {
    cause: 'remote-copy-tool',
    what: 'a remote file copy tool',
    names: /^(scp|sftp|rsync|rclone|ftp|tftp|lftp)$/,
    severity: 'low',
    attack: ['T1105'],
  },
  {
    cause: 'package-manager',
    what: 'a package manager',
    names: /^(apt|apt-get|dpkg|yum|dnf|rpm|apk|zypper|microdnf|pip[0-9.]*)$/,
    severity: 'low',
    attack: ['T1105'],
  },
];

/** Servers whose children are request handlers, never shells (Falco: DB program spawned process, Web Server Spawned Shell). */
const SERVER =
  /^(nginx|httpd|apache2?|lighttpd|caddy|php-fpm[0-9.]*|php-cgi|uwsgi|gunicorn|tomcat|catalina\.sh|mysqld|mariadbd|postgres|postmaster|mongod|redis-server|memcached|couchdb|influxd|elasticsearch)$/;
const SHELL = /^(sh|bash|dash|ash|zsh|ksh)$/;

const nameOf = (p: ProcessInfo): string => (p.exe ? exeBase(p.exe) : p.comm);

/**
 * Falco's process-launch rules for containers, judged on the processes alive at collection: recon, capture, cluster
 * and copy tools, package managers, and shells whose parent is a web or database server.
 */
export const containerTooling: Detector = {
  meta: {
    id: 'container-tooling',
    title: 'Attack tooling or server-spawned shell running in a container',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1046', 'T1040', 'T1613', 'T1609', 'T1105', 'T1505.003', 'T1059.004'],
    severity: 'medium',
    kind: 'live',
    dataSources: ['host-side process list of the container (comm, exe link, cmdline, ppid), or the in-container view'],
    goal: "Find what Falco's launch rules look for, as far as it is still running when the container is read: network scanners and sniffers, Kubernetes and container clients (cluster discovery from inside a pod), remote copy tools, package managers installing at run time (drift), and shells whose parent is a web or database server (web shells, SQL injection to command execution).",
    blindSpots: [
      'Only processes alive at collection: a scan that ran for two seconds is gone (Falco sees the execve). With `--observe`, every sample counts.',
      'Tools renamed to something innocuous are judged by that name; masquerading and dropped-executable look at where binaries come from instead.',
      'A shell started by a server and then re-parented (double fork) no longer shows the server as its parent.',
    ],
    falsePositives: [
      'Images whose entrypoint is a package install or a copy job (init containers, CI jobs): the first process of the container is not judged, and package managers are low; suppress by image.',
      'Servers that legitimately run shell helpers (CGI scripts, `php exec` of known commands, postgres archive_command): suppress by image and `ref` (`server-shell:<server>:<shell>`).',
      'Debug images that ship tcpdump or kubectl for operators: suppress by image with an expiry.',
    ],
    response: [
      "Read the process's command line and parent chain; for a server-spawned shell, find the request that started it in the server's logs.",
      'Preserve the container (executables, maps, logs) before stopping anything; isolate it if the tool is a scanner or a cluster client.',
      'For cluster clients, check which service account token the container mounts and what it may do (kubectl auth can-i --list as that account).',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const { list } = processesOf(c);
      const byPid = new Map(list.map((p) => [p.pid, p]));
      // The container's own first process is what the image is for (an init container running apt, a copy job).
      const first = firstProcess(list);
      const seen = new Set<string>();
      for (const p of list) {
        if (p === first) continue;
        const n = namesOf(p);
        const cls = CLASSES.find((k) => n.some((x) => k.names.test(x)));
        if (cls) {
          const tool = n.find((x) => cls.names.test(x))!;
          const key = `${cls.cause}:${tool}`;
          if (!seen.has(key)) {
            seen.add(key);
            hits.push({
              container: c,
              ref: key,
              cause: cls.cause,
              summary: `${c.container.name} runs ${cls.what}: ${oneLine(tool, 40)} (pid ${p.pid}): ${oneLine(p.cmdline || p.comm, 120)}.`,
              evidence: [
                ref(
                  'process',
                  `pid ${p.pid}`,
                  `${oneLine(p.cmdline || p.comm, 300)}; exe ${oneLine(p.exe ?? '?', 200)}; user ${p.user}`,
                ),
              ],
              severity: cls.severity,
              attack: cls.attack,
            });
          }
        }
        const parent = byPid.get(p.ppid);
        if (!parent || !n.some((x) => SHELL.test(x))) continue;
        const server = namesOf(parent).find((x) => SERVER.test(x));
        if (!server) continue;
        const key = `server-shell:${server}:${nameOf(p)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const web =
          !/^(mysqld|mariadbd|postgres|postmaster|mongod|redis-server|memcached|couchdb|influxd|elasticsearch)$/.test(
            server,
          );
        hits.push({
          container: c,
          ref: key,
          cause: 'server-spawned-shell',
          summary: `A shell (pid ${p.pid}) in ${c.container.name} is a child of the ${web ? 'web' : 'database'} server ${oneLine(server, 40)} (pid ${parent.pid}): ${oneLine(p.cmdline || p.comm, 120)}. Servers answer requests; a shell under one is how web shells and injected commands run.`,
          evidence: [
            ref(
              'process',
              `pid ${p.pid}`,
              `${oneLine(p.cmdline || p.comm, 300)}; parent pid ${parent.pid}: ${oneLine(parent.cmdline || parent.comm, 200)}`,
            ),
          ],
          severity: 'high',
          attack: web ? ['T1505.003', 'T1059.004'] : ['T1059.004'],
        });
      }
    }
    return hits;
  },
};
