import type { Detector, Hit } from '../detector.js';
import { contents, drifted, activeLines } from '../lib/files.js';
import { fileRef, oneLine } from '../lib/refs.js';

const LOGIN_SHELL = /\/(ba|da|z|k|a|c|tc|fi)?sh$/;

/** Backdoor accounts judged by what /etc/passwd and /etc/shadow now say, not by the fact they were written. */
export const accountTampering: Detector = {
  meta: {
    id: 'account-tampering',
    title: 'Backdoor account in passwd or shadow',
    strategy: ['ADS-evasion'],
    attack: ['T1136.001', 'T1098'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'content of /etc/passwd and /etc/shadow read without exec (archive endpoint or host upper dir)',
      'filesystem diff and image hash of the same paths',
    ],
    goal: 'Find accounts an intruder added or unlocked: a second uid-0 account, an empty password hash, a password set on an account after the container started, a login account given root’s group or home in a file changed since start, or account files changed since start.',
    blindSpots: [
      'Accounts in directory services (LDAP, SSSD) or in volumes mounted over /etc are not read.',
      'Which specific account is new cannot be told when only the image hash (not the image content) is known; the finding lists the login-capable accounts instead.',
    ],
    falsePositives: [
      'Entrypoints that create the runtime user at start (common in database and CI images). These change passwd without uid 0 or empty hashes and are reported as low; suppress by image.',
    ],
    response: [
      'Compare the accounts with the image, identify the added or unlocked ones, and look for a way to use them (sshd, su, exposed ports).',
      'Preserve the files, then rebuild the container from its image.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const f of contents(c, (p) => p === '/etc/passwd')) {
        const rows = activeLines(f.text).map((l) => l.split(':'));
        for (const r of rows) {
          if (r.length >= 7 && r[2] === '0' && r[0] !== 'root')
            hits.push({
              container: c,
              ref: `passwd:uid0:${r[0]}`,
              summary: `Account ${oneLine(r[0] ?? '', 40)} in ${c.container.name} has uid 0, a second root account.`,
              evidence: [fileRef(f, oneLine(r.join(':'), 300))],
              severity: 'critical',
              attack: ['T1136.001'],
            });
        }
        if (drifted(c, f)) {
          const logins = rows.filter((r) => r.length >= 7 && LOGIN_SHELL.test(r[6] ?? '')).map((r) => r[0]);
          // Root's group or root's home for another login account: root in all but the uid, where images put
          // only system accounts that cannot log in (operator, halt, sync).
          for (const r of rows) {
            if (r.length < 7 || r[0] === 'root' || r[2] === '0' || !LOGIN_SHELL.test(r[6] ?? '')) continue;
            if (r[3] !== '0' && !/^\/root\/?$/.test(r[5] ?? '')) continue;
            hits.push({
              container: c,
              ref: `passwd:rootlike:${r[0]}`,
              summary: `Account ${oneLine(r[0] ?? '', 40)} in ${c.container.name} has a login shell and ${r[3] === '0' ? "root's group (gid 0)" : "root's home directory"}, in a /etc/passwd changed after start.`,
              evidence: [fileRef(f, oneLine(r.join(':'), 300))],
              severity: 'medium',
              attack: ['T1136.001', 'T1098'],
            });
          }
          hits.push({
            container: c,
            ref: 'passwd:changed',
            summary: `/etc/passwd in ${c.container.name} changed after start; accounts with a login shell: ${oneLine(logins.join(', '), 200)}.`,
            evidence: [fileRef(f, `${rows.length} accounts, changed since the image`)],
            severity: 'low',
            attack: ['T1136.001'],
          });
        }
      }
      for (const f of contents(c, (p) => p === '/etc/shadow')) {
        const changed = drifted(c, f);
        for (const r of activeLines(f.text).map((l) => l.split(':'))) {
          const [user, hash] = [r[0] ?? '', r[1]];
          if (hash === '')
            hits.push({
              container: c,
              ref: `shadow:empty:${user}`,
              summary: `Account ${oneLine(user, 40)} in ${c.container.name} has an empty password: anyone can log in as it.`,
              evidence: [fileRef(f, `${oneLine(user, 40)}:<empty>:...`)],
              severity: user === 'root' ? 'critical' : 'high',
              attack: ['T1098'],
            });
          else if (changed && hash && /^\$/.test(hash))
            hits.push({
              container: c,
              ref: `shadow:set:${user}`,
              summary: `Account ${oneLine(user, 40)} in ${c.container.name} has a password set after the container started.`,
              evidence: [fileRef(f, `${oneLine(user, 40)}:${hash.slice(0, 3)}<hash>:...`)],
              severity: user === 'root' ? 'high' : 'medium',
              attack: ['T1098'],
            });
        }
      }
    }
    return hits;
  },
};
