import type { Command } from 'commander';

/** How the CLI talks to a terminal: `--quiet` keeps stderr to errors, colour only where it helps and is wanted. */
export interface OutputStyle {
  quiet: boolean;
  color: boolean;
}

/**
 * Colour when the stream is a terminal, unless `--no-color` or NO_COLOR (any non-empty value, see no-color.org)
 * says otherwise; `--quiet` drops progress and notices, never results or errors.
 */
export function outputStyle(
  program: Command | undefined,
  stream: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv = process.env,
): OutputStyle {
  const opts = (program?.opts() ?? {}) as { quiet?: boolean; color?: boolean };
  const color = opts.color !== false && !env.NO_COLOR && Boolean(stream.isTTY) && env.TERM !== 'dumb';
  return { quiet: Boolean(opts.quiet), color };
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, dim: 2, bold: 1 } as const;
export type Tint = keyof typeof CODES;

export const paint = (s: string, tint: Tint, on: boolean): string => (on && s ? `\x1b[${CODES[tint]}m${s}\x1b[0m` : s);

/** The root command, for flags given before or after the subcommand. */
export const rootOf = (cmd: Command): Command => {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
};
