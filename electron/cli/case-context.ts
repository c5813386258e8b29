import { isAppError } from '@shared/errors.js';
import { EXIT } from './exit-codes.js';
import { openEngine, type EngineClient } from './engine-client.js';

/**
 * Runs a case command against the engine, turning errors into a message and exit code 2. The engine opens the
 * case database on first use, so a command that needs none (a report check) creates no files.
 */
export async function withCases(
  command: string,
  fn: (engine: EngineClient) => Promise<number | void> | number | void,
): Promise<void> {
  let engine: EngineClient | undefined;
  // `stowaway case show X | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  try {
    engine = await openEngine();
    const code = await fn(engine);
    process.exitCode = typeof code === 'number' ? code : EXIT.ok;
  } catch (e) {
    process.stderr.write(`stowaway ${command}: ${isAppError(e) ? `${e.message} [${e.code}]` : (e as Error).message}\n`);
    process.exitCode = EXIT.usage;
  } finally {
    await engine?.dispose();
  }
}

/** The case a command names, by name, id or id prefix. */
export const caseNamed = async (engine: EngineClient, ref: string) => engine.call('cases.resolve', { ref });
