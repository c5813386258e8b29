import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The docker CLI's config directory: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.DOCKER_CONFIG || path.join(home, '.docker');
}

/** "currentContext" from config.json; a missing or broken file means the default context, as for the CLI. */
export function configuredContext(env: NodeJS.ProcessEnv, home: string): string | undefined {
  try {
    const raw = JSON.parse(readFileSync(path.join(dockerConfigDir(env, home), 'config.json'), 'utf8')) as {
      currentContext?: unknown;
    };
    return typeof raw.currentContext === 'string' && raw.currentContext ? raw.currentContext : undefined;
  } catch {
    return undefined;
  }
}
