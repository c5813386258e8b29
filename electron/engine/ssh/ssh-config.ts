import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The few ~/.ssh/config settings that decide where and as whom the docker CLI's ssh connects. */
export interface SshHostConfig {
  hostName?: string;
  port?: number;
  user?: string;
  identityFile?: string;
  userKnownHostsFile?: string;
}

/**
 * Resolves a host alias the way OpenSSH reads ~/.ssh/config: every matching `Host` block applies and the first
 * value seen for a keyword wins. `Match` blocks and `Include` are not evaluated.
 */
export function resolveSshConfig(text: string, alias: string, home = os.homedir()): SshHostConfig {
  const out: SshHostConfig = {};
  let active = true; // settings before the first Host line apply to every host
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') {
      active = hostMatches(value.split(/\s+/), alias);
      continue;
    }
    if (key === 'match') {
      active = false;
      continue;
    }
    if (!active) continue;
    if (key === 'hostname') out.hostName ??= value.replace(/%h/g, alias);
    else if (key === 'port' && /^\d+$/.test(value)) out.port ??= Number(value);
    else if (key === 'user') out.user ??= value;
    else if (key === 'identityfile') out.identityFile ??= expandHome(value, home);
    else if (key === 'userknownhostsfile') out.userKnownHostsFile ??= expandHome(value.split(/\s+/)[0]!, home);
  }
  return out;
}

export function readSshConfig(home: string, alias: string): SshHostConfig {
  try {
    return resolveSshConfig(readFileSync(path.join(home, '.ssh', 'config'), 'utf8'), alias, home);
  } catch {
    return {};
  }
}

function hostMatches(patterns: string[], alias: string): boolean {
  let ok = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    const pat = negated ? p.slice(1) : p;
    const re = new RegExp(
      `^${pat
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      'i',
    );
    if (re.test(alias)) {
      if (negated) return false;
      ok = true;
    }
  }
  return ok;
}

const expandHome = (p: string, home: string) =>
  p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
