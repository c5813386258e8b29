import type { Detector, Hit } from '../detector.js';
import { BASE64_TO_SHELL, DOWNLOAD_AND_RUN, REVERSE_SHELL_PATTERNS } from '../lib/commands.js';
import { activeLines, contents, drifted, isShellRc } from '../lib/files.js';
import { fileRef, oneLine, ref } from '../lib/refs.js';

const SUSPICIOUS_RC: Array<[RegExp, string]> = [
  [/\bLD_PRELOAD=/, 'sets LD_PRELOAD'],
  [/\balias\s+(sudo|su|ls|ps|netstat|ss|top|lsof|cat)=/, 'aliases a system tool'],
  [/\bPROMPT_COMMAND=/, 'runs code on every prompt'],
  [/\bHISTFILE=\/dev\/null|\bunset\s+HISTFILE|HISTSIZE=0/, 'disables shell history'],
  [/(^|[\s;&|])(nohup\s+)?\/(tmp|var\/tmp|dev\/shm)\/\S+/, 'starts a program from a scratch directory'],
];

/** Shell start-up files that run a payload whenever someone opens a shell in the container. */
export const shellRcTampering: Detector = {
  meta: {
    id: 'shell-rc-tampering',
    title: 'Shell start-up file tampered',
    strategy: ['ADS-evasion'],
    attack: ['T1546.004'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'content of /etc/profile, /etc/profile.d/*, /etc/bash.bashrc, ~/.bashrc, ~/.profile and similar (archive endpoint or host upper dir)',
      'filesystem diff and image hash',
    ],
    goal: 'Find shell rc files changed after start that download and run code, open remote shells, preload libraries, alias system tools or silence history: persistence that fires when an analyst or operator execs into the container.',
    blindSpots: [
      'Start-up files of shells not listed (fish, custom ENV files) are not read.',
      'Payloads sourced from another file are only flagged when that file is itself suspicious.',
    ],
    falsePositives: [
      'Dev containers that customise prompts and aliases at start. Changed rc files with no suspicious content are reported as low only; suppress by image.',
    ],
    response: [
      'Do not open an interactive shell in the container until the file is reviewed: it will run for you too.',
      'Read the added lines, fetch any payload in a sandbox, rebuild the container.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const f of contents(c, isShellRc)) {
        const changed = drifted(c, f);
        let bad = false;
        for (const line of activeLines(f.text)) {
          const why = DOWNLOAD_AND_RUN.test(line)
            ? 'downloads and runs code'
            : BASE64_TO_SHELL.test(line)
              ? 'decodes a payload into a shell'
              : REVERSE_SHELL_PATTERNS.some(([re]) => re.test(line))
                ? 'opens a remote shell'
                : SUSPICIOUS_RC.find(([re]) => re.test(line))?.[1];
          if (!why) continue;
          bad = true;
          hits.push({
            container: c,
            ref: `${f.path}:${line}`,
            summary: `${oneLine(f.path, 80)} in ${c.container.name} ${why} for every new shell: "${oneLine(line, 140)}"${changed ? '' : ' (present in the image)'}.`,
            evidence: [fileRef(f, oneLine(line, 400))],
            severity: changed ? (why.includes('remote shell') ? 'critical' : 'high') : 'medium',
          });
        }
        if (!bad && changed)
          hits.push({
            container: c,
            ref: `${f.path}:changed`,
            summary: `${oneLine(f.path, 80)} in ${c.container.name} changed after the container started.`,
            evidence: [fileRef(f, 'changed since the image; no known-bad pattern')],
            severity: 'low',
          });
      }
      for (const ch of c.files) {
        if (ch.kind === 'deleted' || !isShellRc(ch.path) || c.fileContents.some((f) => f.path === ch.path)) continue;
        hits.push({
          container: c,
          ref: `${ch.path}:changed`,
          summary: `${oneLine(ch.path, 80)} in ${c.container.name} was ${ch.kind} after the container started (content not read).`,
          evidence: [ref('file', ch.path, `${ch.kind} in the container diff`, ch.sha256)],
          severity: 'low',
        });
      }
    }
    return hits;
  },
};
