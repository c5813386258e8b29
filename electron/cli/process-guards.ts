import { Command } from 'commander';
import type { AppError } from '@shared/errors.js';
import { EXIT } from './exit-codes.js';

/**
 * Behaviour every `stowaway` command shares, installed once by the entry point rather than per command:
 * a closed pipe ends output quietly, unknown options point at the right help, and errors reach the analyst
 * as one line (a stack trace only with STOWAWAY_DEBUG=1).
 */

/** Reader gone (`stowaway scan | head -1`): later writes are dropped and the command finishes normally. */
export const isClosedPipe = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
};

/**
 * An AppError, recognised by shape: the entry point must not load the contract (and zod) just to print a
 * one-line error for `--version` or a usage mistake.
 */
const looksLikeAppError = (e: unknown): e is AppError =>
  e instanceof Error && e.name === 'AppError' && typeof (e as { code?: unknown }).code === 'string';

/** One line for an error: AppErrors carry their code; anything else its message. */
export function errorLine(prefix: string, e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const err = e as Error | undefined;
  const first = String(err?.message ?? e)
    .split('\n')[0]!
    .slice(0, 2000);
  const text = looksLikeAppError(e) ? `${first} [${e.code}]` : first;
  const detail = env.STOWAWAY_DEBUG && err?.stack ? `\n${err.stack}` : '';
  return `${prefix}: ${text}${detail}\n`;
}

function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e) => {
    if (isClosedPipe(e)) return;
    // Any other output failure (disk full on a redirect): say so once and fail the command.
    process.exitCode = EXIT.usage;
    try {
      process.stderr.write(errorLine('stowaway: output', e));
    } catch {
      // stderr itself may be the stream that failed.
    }
  });
}

/** Guards for the process running the CLI: closed pipes, and errors nothing else caught. */
export function installProcessGuards(): void {
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  const fatal = (e: unknown) => {
    if (isClosedPipe(e)) return;
    process.stderr.write(errorLine('stowaway', e));
    // State after an error nothing handled is unknown: stop, as Node would, but with one readable line.
    process.exit(EXIT.usage);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}

/** Every command, however deep, ends an option error with the command's own help line. */
export function helpHintsOnError(cmd: Command): void {
  for (const sub of cmd.commands) helpHintsOnError(sub);
  const name = commandPath(cmd);
  cmd.showHelpAfterError(`(see: ${name} --help)`);
  // Name the command in the error, as the commands' own messages do.
  cmd.configureOutput({ ...cmd.configureOutput(), outputError: (str, write) => write(`${name}: ${str}`) });
}

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}
