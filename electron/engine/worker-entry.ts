import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** What `new Worker()` is given: a file, or code to evaluate. */
export interface WorkerEntry {
  script: string | URL;
  evalCode: boolean;
}

/**
 * Where a worker thread's code is. From source (tests, tsx) the caller is TypeScript and the thread loads
 * `source` (relative to the caller) through tsx; a build ships the thread as its own file, `built`, beside the CLI
 * (next to the caller or one level up, from the CLI's chunks). Undefined when the build has no such file.
 */
export function workerEntry(callerUrl: string, source: string, built: string): WorkerEntry | undefined {
  if (callerUrl.endsWith('.ts')) {
    const target = new URL(source, callerUrl).href;
    return {
      script: `import('tsx/esm/api').then((t) => t.tsImport(${JSON.stringify(target)}, ${JSON.stringify(callerUrl)}))`,
      evalCode: true,
    };
  }
  for (const rel of [`./${built}`, `../${built}`]) {
    const u = new URL(rel, callerUrl);
    if (existsSync(fileURLToPath(u))) return { script: u, evalCode: false };
  }
  return undefined;
}
