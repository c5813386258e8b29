import type { ContainerEvidence, FileContent } from '@shared/domain/evidence-set.js';
import type { Severity } from '@shared/domain/finding.js';
import type { Detector, Hit } from '../detector.js';
import { activeLines, changeOf, contents, drifted } from '../lib/files.js';
import { hiddenComponent, inScratch } from '../lib/paths.js';
import { fileRef, oneLine, ref } from '../lib/refs.js';

export const isPamConfig = (p: string): boolean => /^\/etc\/pam\.d\/[^/]+$/.test(p) || p === '/etc/pam.conf';
export const isSshdConfig = (p: string): boolean =>
  p === '/etc/ssh/sshd_config' || /^\/etc\/ssh\/sshd_config\.d\/[^/]+$/.test(p);
const isNsswitch = (p: string): boolean => p === '/etc/nsswitch.conf';

/** Where distributions install PAM modules; a module named by path elsewhere is the intruder's own. */
const MODULE_DIRS = /^\/(usr\/)?lib(64|32)?\/(([^/]+\/)?security|security)\//;

interface Judged {
  severity: Severity;
  why: string;
  line: string;
  attack: string[];
}

/** The PAM lines that let anyone in or hand each password to a program. */
function judgePam(text: string | undefined): Judged[] {
  const out: Judged[] = [];
  for (const line of activeLines(text)) {
    const [type, control, module, ...args] = line.replace(/^-/, '').split(/\s+/);
    if (!type || !control || !module) continue;
    const mod = module.split('/').pop()!;
    if (/^auth$/i.test(type) && /^(sufficient|requisite|required)$|^\[.*success=(done|ok|\d)/i.test(control)) {
      if (mod === 'pam_permit.so' && /sufficient|\[/.test(control))
        out.push({ severity: 'critical', why: 'accepts any password (pam_permit)', line, attack: ['T1556.003'] });
    }
    if (mod === 'pam_exec.so' && args.some((a) => a === 'expose_authtok'))
      out.push({ severity: 'critical', why: 'hands each password to a program', line, attack: ['T1556.003', 'T1056'] });
    else if (mod === 'pam_exec.so')
      out.push({ severity: 'high', why: 'runs a program on every login', line, attack: ['T1556.003'] });
    if (module.startsWith('/') && !MODULE_DIRS.test(module))
      out.push({
        severity: inScratch(module) || hiddenComponent(module) !== undefined ? 'critical' : 'high',
        why: 'loads a module from outside the system module directories',
        line,
        attack: ['T1556.003'],
      });
  }
  return out;
}

/** sshd settings that open the door wider than any image should ship at run time. */
function judgeSshd(text: string | undefined): Judged[] {
  const out: Judged[] = [];
  for (const line of activeLines(text)) {
    const [key = '', ...rest] = line.split(/\s+/);
    const value = rest.join(' ');
    const k = key.toLowerCase();
    if (k === 'permitemptypasswords' && /^yes/i.test(value))
      out.push({ severity: 'high', why: 'accepts empty passwords', line, attack: ['T1556', 'T1021.004'] });
    else if (k === 'permitrootlogin' && /^yes/i.test(value))
      out.push({ severity: 'medium', why: 'lets root log in with a password', line, attack: ['T1021.004'] });
    else if (
      k === 'authorizedkeysfile' &&
      value.split(/\s+/).some((f) => !/^(%h\/)?\.ssh\/authorized_keys2?$|^none$/.test(f))
    )
      out.push({ severity: 'high', why: 'reads authorized keys from an unusual place', line, attack: ['T1098.004'] });
    else if (k === 'authorizedkeyscommand' && value && !/^none$/i.test(value))
      out.push({ severity: 'high', why: 'asks a program for authorized keys', line, attack: ['T1098.004'] });
  }
  return out;
}

/**
 * Authentication is configured in files the container may rewrite: a PAM stack that accepts any password or
 * captures it, or an sshd that accepts empty passwords or keys from a hidden file, is a backdoor that survives
 * every password change and shows in no process list.
 */
export const authConfigTampering: Detector = {
  meta: {
    id: 'auth-config-tampering',
    title: 'Authentication configuration changed (PAM, sshd, name service)',
    strategy: ['ADS-evasion'],
    attack: ['T1556.003', 'T1556', 'T1098.004', 'T1021.004', 'T1056'],
    severity: 'high',
    kind: 'state',
    dataSources: [
      'content of /etc/pam.d/*, /etc/pam.conf, /etc/ssh/sshd_config(.d), /etc/nsswitch.conf (archive endpoint or host layers)',
      'filesystem diff and image hash',
    ],
    goal: 'Find PAM stacks, sshd settings and name-service order that were changed after the container started: pam_permit made sufficient, pam_exec capturing passwords, a PAM module loaded from outside the system directories, sshd accepting empty passwords or reading keys from an unusual file.',
    blindSpots: [
      'A PAM module replaced in place under /lib/*/security keeps its name: the diff shows it as a changed library (dropped-executable), not here.',
      'Settings present in the image are judged by image review, not here: only what changed after start is reported.',
      'sshd started with -o options on its command line is not read from the file.',
    ],
    falsePositives: [
      'Images that install an ssh server at start (a development box) write sshd_config and pam.d/sshd: a change with no risky line is reported at low. Suppress by image when that is the design.',
    ],
    response: [
      'Collect the changed files and compare them with the image’s (the file tab shows both hashes).',
      'Look for logins since the change (auth logs, sshd processes and their connections) and for the program pam_exec runs.',
      'Rebuild the container from its image and rotate any password typed into it since the change.',
    ],
  },
  detect(ev) {
    const hits: Hit[] = [];
    for (const c of ev.containers) {
      for (const f of contents(c, isPamConfig)) if (drifted(c, f)) hits.push(...report(c, f, judgePam(f.text), 'PAM'));
      for (const f of contents(c, isSshdConfig))
        if (drifted(c, f)) hits.push(...report(c, f, judgeSshd(f.text), 'sshd'));
      for (const f of contents(c, isNsswitch)) if (drifted(c, f)) hits.push(...report(c, f, [], 'name service'));
      // Changed but unread (too large, binary, or the read failed): still worth a line.
      for (const ch of c.files) {
        if (ch.kind === 'deleted' || !(isPamConfig(ch.path) || isSshdConfig(ch.path))) continue;
        if (c.fileContents.some((x) => x.path === ch.path)) continue;
        hits.push({
          container: c,
          ref: `${ch.path}:unread`,
          cause: 'auth-config-changed',
          summary: `${oneLine(ch.path, 120)} was ${ch.kind} in ${c.container.name} after it started (content not read).`,
          evidence: [ref('file', ch.path, `${ch.kind} in the container diff`, ch.sha256)],
          severity: 'medium',
          attack: ['T1556'],
        });
      }
    }
    return hits;
  },
};

function report(c: ContainerEvidence, f: FileContent, judged: Judged[], what: string): Hit[] {
  const kind = changeOf(c, f.path)?.kind === 'added' ? 'added' : 'changed';
  if (!judged.length)
    return [
      {
        container: c,
        ref: `${f.path}:changed`,
        cause: 'auth-config-changed',
        summary: `${what} configuration ${oneLine(f.path, 120)} was ${kind} in ${c.container.name} after it started; no line in it opens authentication.`,
        evidence: [fileRef(f, oneLine(activeLines(f.text).slice(0, 6).join(' | '), 400))],
        severity: 'low',
        attack: ['T1556'],
      },
    ];
  return judged.map((j) => ({
    container: c,
    ref: `${f.path}:${j.line}`,
    cause: what === 'PAM' ? 'pam-backdoor' : 'sshd-weakened',
    summary: `${oneLine(f.path, 120)} in ${c.container.name}, ${kind} after start, ${j.why}: "${oneLine(j.line, 160)}".`,
    evidence: [fileRef(f, oneLine(j.line, 300))],
    severity: j.severity,
    attack: j.attack,
  }));
}
