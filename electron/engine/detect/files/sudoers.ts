import type { Detector, Hit } from '../detector.js';
import { activeLines, contents, drifted, isSudoers } from '../lib/files.js';
import { fileRef, oneLine } from '../lib/refs.js';

/** Passwordless sudo rules, the usual way to keep root after a foothold as an ordinary user. */
export const sudoersNopasswd: Detector = {
  meta: {
    id: 'sudoers-nopasswd',
    title: 'Passwordless sudo rule',
    strategy: ['ADS-evasion'],
    attack: ['T1548.003'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'content of /etc/sudoers and /etc/sudoers.d/* (archive endpoint or host upper dir)',
      'filesystem diff and image hash',
    ],
    goal: 'Find NOPASSWD sudo rules, especially ones added after the container started, which let any code running as that user become root silently.',
    blindSpots: [
      'Sudo rules served by LDAP or included from paths outside /etc/sudoers.d are not read.',
      'Other privilege paths (setuid shells, capabilities on files) are judged by other detectors only when they appear in the diff.',
    ],
    falsePositives: [
      'Development and CI images ship `user ALL=(ALL) NOPASSWD: ALL` for convenience. Rules present in the image are reported as medium and can be suppressed per image; rules added at run time stay high.',
    ],
    response: [
      'Identify the user the rule grants and which processes run as that user.',
      'Remove the rule (rebuild from the image) and check how the file was written (exec history, write-capable mounts).',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const f of contents(c, isSudoers)) {
        const changed = drifted(c, f);
        for (const line of activeLines(f.text)) {
          if (!/NOPASSWD\s*:/i.test(line)) continue;
          const all = /NOPASSWD\s*:\s*ALL\b/i.test(line);
          hits.push({
            container: c,
            ref: `${f.path}:${line}`,
            summary: `${oneLine(f.path, 80)} in ${c.container.name} grants passwordless sudo${all ? ' to every command' : ''}: "${oneLine(line, 120)}"${changed ? ', added after the container started' : ''}.`,
            evidence: [fileRef(f, oneLine(line, 300))],
            severity: changed ? (all ? 'high' : 'medium') : 'medium',
          });
        }
      }
    }
    return hits;
  },
};
