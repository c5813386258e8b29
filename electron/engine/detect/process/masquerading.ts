import type { Detector, Hit } from '../detector.js';
import { exeBase, processesOf } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';

/** Names system daemons use; a container process claiming one while running something else is disguising itself. */
const SYSTEM_NAMES = new Set(['sshd', 'systemd', 'init', 'cron', 'crond', 'rsyslogd', 'syslogd', 'dbus-daemon', 'udevd', 'kthreadd', 'kworker', 'ksoftirqd', 'migration', 'watchdog', 'getty', 'agetty', 'polkitd', 'containerd', 'dockerd', 'kubelet', 'nginx', 'httpd', 'apache2', 'mysqld', 'postgres', 'redis-server', 'bash', 'sh']);
/** Kernel-thread names (as comm, without the brackets ps adds); kernel threads never belong to a container. */
const KTHREAD_COMM = /^(kworker\/|ksoftirqd\/|kthreadd$|migration\/|rcu_|kswapd|watchdog\/|cpuhp\/|khugepaged$|kdevtmpfs|jbd2\/|kauditd$|irq\/|kblockd$|kcompactd)/;
/** exe basenames that legitimately run under other names. */
const MULTICALL = new Set(['busybox', 'toybox', 'python', 'python3', 'perl', 'node', 'java', 'ruby', 'php', 'dotnet', 'bash', 'dash', 'sh']);

/** Kernel-thread names and system-daemon names worn by unrelated binaries. */
export const processMasquerading: Detector = {
  meta: {
    id: 'process-masquerading',
    title: 'Process name masquerading',
    strategy: ['ADS-evasion'],
    attack: ['T1036.004', 'T1036.005'],
    severity: 'high',
    kind: 'live',
    dataSources: ['host /proc/PID/comm, cmdline and exe link of every container process'],
    goal: 'Find processes inside containers that pretend to be kernel threads (argv like "[kworker/0:1]": kernel threads never live in a container) or system daemons (comm "sshd" while exe is /tmp/.x/xmrig).',
    blindSpots: ['Needs exe links from host /proc; with only `top` output, kernel-thread names are still caught but comm/exe mismatches are not.', 'A binary renamed on disk to a system name and placed in a system path passes; dropped-executable catches it if the file is new.'],
    falsePositives: ['Interpreters and multi-call binaries (busybox, python, java) run under their script\'s name and are ignored; process supervisors that rename workers (nginx: worker process, postgres: ...) keep their exe basename and do not match. Suppress remaining cases by image.'],
    response: ['Treat as malware until shown otherwise: record exe, hash (host /proc/PID/exe), connections and parent.', 'Look for the miner or implant behind it (resource-hijack, outbound connections).'],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const p of processesOf(c).list) {
        const argv0 = p.cmdline.split(' ')[0] ?? '';
        const kthread = /^\[[^\]]+\]$/.test(p.cmdline.trim()) || p.flags.includes('kernel-thread-name') || KTHREAD_COMM.test(p.comm);
        const exe = p.exe ? exeBase(p.exe) : '';
        const comm = p.comm;
        if (kthread) {
          hits.push({ container: c, ref: `kthread:${p.exe ?? p.cmdline}`, summary: `Process pid ${p.pid} in ${c.container.name} shows a kernel-thread name ${oneLine(KTHREAD_COMM.test(p.comm) ? p.comm : p.cmdline, 60)}${exe ? ` but runs ${oneLine(p.exe ?? '', 100)}` : ''}; kernel threads never run inside containers.`, evidence: [ref('process', `pid ${p.pid}`, `cmdline=${oneLine(p.cmdline, 200)} comm=${oneLine(comm, 40)} exe=${oneLine(p.exe ?? '?', 200)}`)], severity: 'critical', attack: ['T1036.004'] });
          continue;
        }
        if (!exe || MULTICALL.has(exe) || /^(python|perl|ruby|node|java|php)/.test(exe)) continue;
        const claimed = [comm, argv0.split('/').pop() ?? ''].find((n) => n && SYSTEM_NAMES.has(n.replace(/:.*$/, '')));
        // comm is cut at 15 characters by the kernel: compare prefixes.
        const matches = (n: string) => n === exe || exe.startsWith(n) || n.startsWith(exe.slice(0, 15));
        if (claimed && !matches(claimed)) {
          hits.push({ container: c, ref: `name:${claimed}:${p.exe}`, summary: `Process pid ${p.pid} in ${c.container.name} calls itself ${oneLine(claimed, 40)} but runs ${oneLine(p.exe ?? '', 120)}.`, evidence: [ref('process', `pid ${p.pid}`, `comm=${oneLine(comm, 40)} argv0=${oneLine(argv0, 100)} exe=${oneLine(p.exe ?? '', 200)}`)], attack: ['T1036.005'] });
        }
      }
    }
    return hits;
  },
};
