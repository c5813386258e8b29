import type { ProcessInfo } from '@shared/domain/process.js';
import type { Detector, Hit } from '../detector.js';
import { exeBase, processesOf } from '../lib/process.js';
import { oneLine, ref } from '../lib/refs.js';

/** Names system daemons use; a container process claiming one while running something else is disguising itself. */
const SYSTEM_NAMES = new Set([
  'sshd',
  'systemd',
  'init',
  'cron',
  'crond',
  'rsyslogd',
  'syslogd',
  'dbus-daemon',
  'udevd',
  'kthreadd',
  'kworker',
  'ksoftirqd',
  'migration',
  'watchdog',
  'getty',
  'agetty',
  'polkitd',
  'containerd',
  'dockerd',
  'kubelet',
  'nginx',
  'httpd',
  'apache2',
  'mysqld',
  'postgres',
  'redis-server',
  'bash',
  'sh',
]);
/**
 * Kernel-thread names (as comm, brackets stripped). Kernel threads never belong to a container, so any of these
 * inside one is a costume, whatever binary wears it.
 */
const KTHREAD_COMM =
  /^(kworker\/|ksoftirqd\/|kthreadd$|migration\/|rcu_|kswapd\d*$|watchdog(d|\/)|cpuhp\/|khugepaged$|kdevtmpfs|jbd2\/|kauditd$|irq\/|kblockd$|kcompactd|khungtaskd$|oom_reaper$|writeback$|kintegrityd$|kthrotld$|kworker$|ksmd$|netns$|kcryptd|ext4-rsv|xfs[a-z-]*\/?|scsi_(eh|tmf)_|idle_inject\/|mm_percpu_wq$|kaluad$|ipv6_addrconf$|edac-poller$|ata_sff$|md$|zswap|devfreq_wq$|kstrp$|charger_manager$|kpsmoused$|cryptd$|tpm_dev_wq$|inet_frag_wq$|acpi_thermal_pm$|blkcg_punt_bio$|pool_workqueue_)/;
/** What ps shows for a kernel thread: one bracketed word, no spaces (process titles like "[celeryd: w1] -active-" have them). */
const BRACKETED = /^\[[^[\]\s]{2,}\]$/;
/** exe basenames that legitimately run under other names. */
const MULTICALL = new Set([
  'busybox',
  'toybox',
  'python',
  'python3',
  'perl',
  'node',
  'java',
  'ruby',
  'php',
  'dotnet',
  'bash',
  'dash',
  'sh',
]);

/** Why a process looks like a kernel thread, or undefined. */
export function kernelThreadLook(p: Pick<ProcessInfo, 'cmdline' | 'comm' | 'exe' | 'flags'>): string | undefined {
  const argv0 = p.cmdline.trim().split(/\s+/)[0] ?? '';
  const comm = p.comm.replace(/^\[(.*)\]$/, '$1');
  if (BRACKETED.test(argv0) || p.flags.includes('kernel-thread-name')) return `argv[0] ${oneLine(argv0, 60)}`;
  if (KTHREAD_COMM.test(comm)) return `kernel name (comm) ${oneLine(p.comm, 40)}`;
  // An empty argument list makes ps print [comm], as for a kernel thread; zombies have no exe and are not counted.
  if (p.cmdline.trim() === '' && p.exe && !p.exe.startsWith('/memfd:'))
    return `an empty argument list (ps shows [${oneLine(p.comm, 40)}])`;
  return undefined;
}

/** Kernel-thread names and system-daemon names worn by unrelated binaries. */
export const processMasquerading: Detector = {
  meta: {
    id: 'process-masquerading',
    title: 'Process name masquerading',
    strategy: ['ADS-evasion'],
    attack: ['T1036.004', 'T1036.005'],
    severity: 'high',
    kind: 'live',
    dataSources: [
      'host /proc/PID/comm (the kernel name prctl and /proc/PID/comm writes change), /proc/PID/cmdline (argv, which exec -a and in-place rewrites change) and the exe link of every container process',
    ],
    goal: 'Find processes inside containers that pretend to be kernel threads, by a bracketed argv[0] ("[kworker/0:1]", "[kthreadd] --x"), a kernel-thread comm set with prctl or /proc/self/comm, or an emptied argument list that makes ps print [comm]: kernel threads never live in a container, whatever binary is behind it. Also find processes that claim a system daemon\'s name while running another binary (comm or argv[0] "sshd", exe /usr/sbin/agentd).',
    blindSpots: [
      'Needs exe links from host /proc to tell a daemon name from its binary; with only `top` output, kernel-thread names are still caught but comm/exe mismatches are not.',
      'A binary renamed on disk to a system name and placed in a system path passes the name check; dropped-executable catches it when the file is new, image review when it came with the image.',
      'A process that renames itself after collection, or only while it is not polled, is seen only at the next collection.',
    ],
    falsePositives: [
      'Process titles set by daemons describe workers and keep their own name: "postgres: writer process" (exe postgres), "nginx: worker process" (exe nginx), "[celeryd: w1:MainProcess] -active-" (a bracketed title with spaces, not a kernel-thread word). These do not match.',
      "Multi-call binaries and interpreters (busybox applets such as crond or syslogd, python, java) run under their applet's or script's name and are not judged on comm/exe. Suppress anything left by image.",
    ],
    response: [
      'Treat as malware until shown otherwise: record exe, hash (host /proc/PID/exe, readable even when deleted), connections and parent.',
      'Look for the miner or implant behind it (resource-hijack, outbound connections, beaconing), then isolate the container and preserve the executable before stopping it.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const p of processesOf(c).list) {
        const argv0 = p.cmdline.trim().split(/\s+/)[0] ?? '';
        const exe = p.exe ? exeBase(p.exe) : '';
        const comm = p.comm;
        const kthread = kernelThreadLook(p);
        if (kthread) {
          hits.push({
            container: c,
            ref: `kthread:${p.exe ?? ''}:${comm}`,
            summary: `Process pid ${p.pid} in ${c.container.name} looks like a kernel thread by ${kthread}${exe ? ` but runs ${oneLine(p.exe ?? '', 100)}` : ''}; kernel threads never run inside containers.`,
            evidence: [
              ref(
                'process',
                `pid ${p.pid}`,
                `cmdline=${oneLine(p.cmdline, 200)} comm=${oneLine(comm, 40)} exe=${oneLine(p.exe ?? '?', 200)}`,
              ),
            ],
            severity: 'critical',
            attack: ['T1036.004'],
          });
          continue;
        }
        if (!exe || MULTICALL.has(exe) || /^(python|perl|ruby|node|java|php)/.test(exe)) continue;
        const claimed = [comm, argv0.split('/').pop() ?? ''].find((n) => n && SYSTEM_NAMES.has(n.replace(/:.*$/, '')));
        // comm is cut at 15 characters by the kernel: compare prefixes.
        const matches = (n: string) =>
          n === exe || exe.startsWith(n.replace(/:.*$/, '')) || n.startsWith(exe.slice(0, 15));
        if (claimed && !matches(claimed)) {
          hits.push({
            container: c,
            ref: `name:${claimed}:${p.exe}`,
            summary: `Process pid ${p.pid} in ${c.container.name} calls itself ${oneLine(claimed, 40)} but runs ${oneLine(p.exe ?? '', 120)}.`,
            evidence: [
              ref(
                'process',
                `pid ${p.pid}`,
                `comm=${oneLine(comm, 40)} argv0=${oneLine(argv0, 100)} exe=${oneLine(p.exe ?? '', 200)}`,
              ),
            ],
            attack: ['T1036.005'],
          });
        }
      }
    }
    return hits;
  },
};
