import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The containment actions an analyst may take on a container; each changes it or reads deep into it. */
export const RESPOND_ACTIONS = ['isolate', 'pause', 'unpause', 'stop', 'preserve'] as const;
export type RespondAction = (typeof RESPOND_ACTIONS)[number];
export const isRespondAction = (s: string): s is RespondAction => (RESPOND_ACTIONS as readonly string[]).includes(s);

/**
 * Actions switched off on this installation: STOWAWAY_RESPOND_DISABLE (comma-separated, "all" for every one)
 * plus `respond.disabled` in the data directory's settings.json. A site that must never touch production
 * containers from a workbench sets it once.
 */
export function disabledActions(env: NodeJS.ProcessEnv, dataDir: string): Set<RespondAction> {
  const names = (env.STOWAWAY_RESPOND_DISABLE ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const file = path.join(dataDir, 'settings.json');
  if (existsSync(file)) {
    try {
      const s = JSON.parse(readFileSync(file, 'utf8')) as { respond?: { disabled?: unknown } };
      const d = s?.respond?.disabled;
      if (Array.isArray(d))
        names.push(...d.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()));
    } catch {
      // An unreadable settings file must not silently enable actions: treat it as "all disabled".
      names.push('all');
    }
  }
  if (names.includes('all')) return new Set(RESPOND_ACTIONS);
  return new Set(names.filter(isRespondAction));
}
