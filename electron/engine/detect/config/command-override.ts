import type { Detector, Hit } from '../detector.js';
import {
  BASE64_TO_SHELL,
  DOWNLOAD_AND_RUN,
  NAMESPACE_ESCAPE,
  REVERSE_SHELL_PATTERNS,
  SHELLS,
} from '../lib/commands.js';
import { imageOf } from '../lib/images.js';
import { inspectRef, oneLine } from '../lib/refs.js';

/**
 * The run-time command replaced the image's with one that fetches and runs code, decodes a payload into a
 * shell, or enters the host's namespaces. The image looks clean to a registry scanner; the payload lives
 * only in the container's configuration.
 */
export const commandOverride: Detector = {
  meta: {
    id: 'command-override',
    title: 'Suspicious command override',
    strategy: ['ADS-evasion', 'ADS-c2-abuse'],
    attack: ['T1610', 'T1059.004', 'T1105', 'T1611', 'T1027', 'T1095'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'container inspect: Config.Entrypoint, Config.Cmd, HostConfig',
      'image inspect: Config.Entrypoint, Config.Cmd',
    ],
    goal: 'Find containers whose run-time command differs from the image and downloads and runs code, builds a remote shell (netcat pipelines with or without mkfifo, `nc -e`, socat EXEC, /dev/tcp), decodes base64 into a shell, or runs nsenter/chroot into the host; and shell overrides combined with privileged or host-reaching configuration. It reads the configuration, so it also sees containers that are stopped or on a remote engine.',
    blindSpots: [
      "Payloads fetched by the image's own, unchanged entrypoint (for example from an environment variable URL) are not seen here.",
      'Obfuscation beyond base64 and simple download pipelines is not decoded.',
    ],
    falsePositives: [
      'Bootstrap scripts in CI jobs and dev containers that `curl | sh` an installer. Suppress by CI label or image with a reason; do not suppress the nsenter/chroot case.',
    ],
    response: [
      'Read the full command and fetch the downloaded payload in a sandbox (do not run it on the host).',
      'Find who created the container (events, audit logs) and what else they created.',
      'Stop the container and block the download source if malicious.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      const d = c.container;
      const argv = [...d.entrypoint, ...d.cmd];
      const cmd = argv.join(' ');
      const img = imageOf(ev, c);
      const overridden = !img || JSON.stringify(argv) !== JSON.stringify([...img.entrypoint, ...img.cmd]);
      if (!overridden) continue;
      const evidence = [
        inspectRef(
          c,
          'Config.Entrypoint+Cmd',
          `${oneLine(cmd, 600)}${img ? ` (image default: ${oneLine([...img.entrypoint, ...img.cmd].join(' '), 200)})` : ''}`,
        ),
      ];
      if (NAMESPACE_ESCAPE.test(cmd)) {
        hits.push({
          container: c,
          ref: 'cmd:escape',
          summary: `Container ${d.name} starts with a command that enters the host namespaces or root: ${oneLine(cmd, 160)}.`,
          evidence,
          severity: 'critical',
          attack: ['T1611', 'T1610'],
        });
      } else if (DOWNLOAD_AND_RUN.test(cmd)) {
        hits.push({
          container: c,
          ref: 'cmd:download-run',
          summary: `Container ${d.name} starts by downloading and running code: ${oneLine(cmd, 160)}.`,
          evidence,
          attack: ['T1105', 'T1059.004', 'T1610'],
        });
      } else if (REVERSE_SHELL_PATTERNS.some(([re]) => re.test(cmd))) {
        const why = REVERSE_SHELL_PATTERNS.find(([re]) => re.test(cmd))![1];
        hits.push({
          container: c,
          ref: 'cmd:remote-shell',
          summary: `Container ${d.name} starts as a remote shell (${why}): ${oneLine(cmd, 160)}.`,
          evidence,
          severity: 'critical',
          attack: ['T1059.004', 'T1095', 'T1610'],
        });
      } else if (BASE64_TO_SHELL.test(cmd)) {
        hits.push({
          container: c,
          ref: 'cmd:base64-shell',
          summary: `Container ${d.name} starts by decoding a base64 payload into a shell: ${oneLine(cmd, 160)}.`,
          evidence,
          attack: ['T1027', 'T1059.004'],
        });
      } else {
        const first = (argv[0] ?? '').split('/').pop() ?? '';
        const shellC = SHELLS.has(first) && argv.includes('-c');
        const risky =
          d.privileged ||
          d.pidMode === 'host' ||
          d.mounts.some((m) => m.type === 'bind' && (m.source === '/' || /docker\.sock$/.test(m.source)));
        if (shellC && risky)
          hits.push({
            container: c,
            ref: 'cmd:shell-risky',
            summary: `Container ${d.name} overrides its image command with an inline shell script while having host-level access: ${oneLine(cmd, 160)}.`,
            evidence,
            severity: 'medium',
            attack: ['T1059.004', 'T1610'],
          });
      }
    }
    return hits;
  },
};
