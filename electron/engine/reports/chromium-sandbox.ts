import { readFileSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What decides whether Chromium can use its sandbox on this machine. */
export interface SandboxFacts {
  platform: NodeJS.Platform;
  uid?: number;
  /** /proc/sys/kernel/unprivileged_userns_clone (Debian kernels); absent elsewhere. */
  usernsClone?: string;
  /** /proc/sys/user/max_user_namespaces. */
  maxUserNamespaces?: string;
  /** /proc/sys/kernel/apparmor_restrict_unprivileged_userns (Ubuntu 23.10+). */
  apparmorRestrictsUserns?: string;
  /** A root-owned setuid chrome-sandbox helper next to the browser (or CHROME_DEVEL_SANDBOX). */
  suidHelper?: boolean;
}

export type SandboxDecision = { sandbox: true } | { sandbox: false; reason: string };

/**
 * Whether to print with Chromium's sandbox. It is used wherever the platform allows it: always on macOS and
 * Windows; on Linux when not root (Chromium refuses its sandbox as root) and either unprivileged user
 * namespaces or the setuid helper are there. The report being printed is hostile input, so running without
 * the sandbox is a fallback that always names its reason.
 */
export function decideChromiumSandbox(f: SandboxFacts): SandboxDecision {
  if (f.platform !== 'linux') return { sandbox: true };
  if (f.uid === 0) return { sandbox: false, reason: 'running as root, where Chromium refuses its sandbox' };
  const trimmed = (v?: string) => v?.trim();
  const usernsOff =
    trimmed(f.usernsClone) === '0'
      ? 'kernel.unprivileged_userns_clone is 0'
      : trimmed(f.maxUserNamespaces) === '0'
        ? 'user.max_user_namespaces is 0'
        : trimmed(f.apparmorRestrictsUserns) === '1'
          ? 'AppArmor restricts unprivileged user namespaces'
          : undefined;
  if (!usernsOff || f.suidHelper) return { sandbox: true };
  return { sandbox: false, reason: `${usernsOff} and no setuid chrome-sandbox helper is installed` };
}

/** Reads the facts of this machine for the browser at executablePath. */
export function sandboxFacts(executablePath: string, env: NodeJS.ProcessEnv = process.env): SandboxFacts {
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  let dir = path.dirname(executablePath);
  try {
    dir = path.dirname(realpathSync(executablePath));
  } catch {
    // A browser path that does not resolve is reported when it is launched.
  }
  const helpers = [
    env.CHROME_DEVEL_SANDBOX,
    path.join(dir, 'chrome-sandbox'),
    '/usr/lib/chromium/chrome-sandbox',
    '/opt/google/chrome/chrome-sandbox',
  ];
  return {
    platform: process.platform,
    uid: process.getuid?.() ?? os.userInfo().uid,
    usernsClone: read('/proc/sys/kernel/unprivileged_userns_clone'),
    maxUserNamespaces: read('/proc/sys/user/max_user_namespaces'),
    apparmorRestrictsUserns: read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns'),
    suidHelper: helpers.some((p) => {
      if (!p) return false;
      try {
        const st = statSync(p);
        return st.uid === 0 && (st.mode & 0o4000) !== 0;
      } catch {
        return false;
      }
    }),
  };
}
