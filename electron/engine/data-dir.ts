import os from 'node:os';
import path from 'node:path';

/**
 * Where cases live: STOWAWAY_DATA_DIR wins (tests, portable installs), else the platform's per-user
 * application data directory, so the desktop app and the CLI of one user share the same cases.
 */
export function resolveDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.STOWAWAY_DATA_DIR) return path.resolve(env.STOWAWAY_DATA_DIR);
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Stowaway');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Stowaway');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'stowaway');
}
