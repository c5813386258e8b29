import type { Detector, Hit } from '../detector.js';
import { activeLines, contents, drifted, isAuthorizedKeys } from '../lib/files.js';
import { fileRef, oneLine, ref } from '../lib/refs.js';

const KEY =
  /(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)\s+([A-Za-z0-9+/=]+)/;

/** SSH keys planted for re-entry, and forced commands that turn a login into a backdoor. */
export const authorizedKeys: Detector = {
  meta: {
    id: 'ssh-authorized-keys',
    title: 'SSH authorized_keys planted or with forced command',
    strategy: ['ADS-evasion'],
    attack: ['T1098.004'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'content of ~/.ssh/authorized_keys for root and /home/* (archive endpoint or host upper dir)',
      'filesystem diff and image hash',
    ],
    goal: 'Find authorized_keys files written after a container started (new keys) and entries with `command=` options, which attackers use to keep access or to run a payload on every login.',
    blindSpots: [
      'AuthorizedKeysCommand / certificate-based logins and keys in volumes are not read.',
      'Without the image content only "the file changed" is known, not which key is new; the finding lists key comments and fingerprints-in-short.',
    ],
    falsePositives: [
      'Bastion or git-over-ssh images with forced commands in the image (reported as medium), and entrypoints that install a deployment key at start. Suppress by image and a `ref` glob such as `/home/git/.ssh/authorized_keys:*`.',
    ],
    response: [
      'Identify the key owners from comments and your key inventory; remove unknown keys.',
      'Check sshd logs and exposed ports to see whether the key was used.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const f of contents(c, isAuthorizedKeys)) {
        const changed = drifted(c, f);
        const lines = activeLines(f.text);
        for (const line of lines) {
          const m = KEY.exec(line);
          const opts = m ? line.slice(0, m.index).trim() : '';
          if (/(^|,)\s*command\s*=/.test(opts))
            hits.push({
              container: c,
              ref: `${f.path}:command:${m?.[3]?.slice(-24) ?? line}`,
              summary: `An authorized key in ${oneLine(f.path, 80)} of ${c.container.name} forces a command on login: ${oneLine(opts, 140)}.`,
              evidence: [fileRef(f, oneLine(line, 300))],
              severity: changed ? 'high' : 'medium',
            });
        }
        if (changed && lines.length > 0) {
          const comments = lines.map((l) => {
            const m = KEY.exec(l);
            return m ? `${m[1]} …${m[3]!.slice(-12)} ${l.slice(m.index + m[0].length).trim()}` : l;
          });
          hits.push({
            container: c,
            ref: `${f.path}:changed:${f.sha256}`,
            summary: `${oneLine(f.path, 80)} in ${c.container.name} was written after the container started and holds ${lines.length} key(s).`,
            evidence: [fileRef(f, oneLine(comments.join(' | '), 600))],
          });
        }
      }
      for (const ch of c.files) {
        if (ch.kind === 'deleted' || !isAuthorizedKeys(ch.path) || c.fileContents.some((f) => f.path === ch.path))
          continue;
        hits.push({
          container: c,
          ref: `${ch.path}:changed:${ch.sha256 ?? ''}`,
          summary: `${oneLine(ch.path, 80)} in ${c.container.name} was ${ch.kind} after the container started (content not read).`,
          evidence: [ref('file', ch.path, `${ch.kind} in the container diff`, ch.sha256)],
        });
      }
    }
    return hits;
  },
};
