/**
 * Files whose content an analyst needs whenever a container is looked at: accounts, sudo, cron,
 * ssh keys, the dynamic loader's preload list, shell start-up files and how logins are checked (PAM, sshd).
 * Persistence lives here.
 * A `*` stands for one path segment.
 */
export const CRITICAL_PATTERNS = [
  '/etc/passwd',
  '/etc/shadow',
  '/etc/group',
  '/etc/sudoers',
  '/etc/sudoers.d/*',
  '/etc/crontab',
  '/etc/cron.d/*',
  '/var/spool/cron/crontabs/*',
  '/root/.ssh/authorized_keys',
  '/home/*/.ssh/authorized_keys',
  '/etc/ld.so.preload',
  '/root/.bashrc',
  '/root/.profile',
  '/etc/profile',
  '/etc/profile.d/*',
  '/etc/bash.bashrc',
  '/etc/rc.local',
  '/etc/pam.d/*',
  '/etc/pam.conf',
  '/etc/ssh/sshd_config',
  '/etc/ssh/sshd_config.d/*',
  '/etc/nsswitch.conf',
] as const;

const compiled = CRITICAL_PATTERNS.map(
  (p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`),
);

export const isCriticalPath = (p: string): boolean => compiled.some((re) => re.test(p));
