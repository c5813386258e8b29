import { paint, type OutputStyle } from './output-style.js';

const BAR = 24;

/** "[██████······] 12/42 containers · collecting · web-1", fitted to the terminal's width. */
export function progressLine(
  done: number,
  total: number,
  phase: string,
  message: string,
  columns: number,
  color: boolean,
): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(frac * BAR);
  const bar = `${paint('█'.repeat(filled), 'green', color)}${paint('·'.repeat(BAR - filled), 'dim', color)}`;
  const head = `[${bar}] ${done}/${total} containers · ${phase}`;
  const visibleHead = BAR + 2 + ` ${done}/${total} containers · ${phase}`.length;
  const room = columns - visibleHead - 4;
  const tail =
    message && message !== phase && room > 8
      ? ` · ${message.length > room ? `${message.slice(0, room - 1)}…` : message}`
      : '';
  return head + tail;
}

/**
 * Progress on stderr while a scan runs: a bar with container counts and the phase, redrawn in place. Only on a
 * terminal and never with --quiet, so pipes, CI logs and scripts see nothing of it.
 */
export function progressReporter(
  stream: NodeJS.WriteStream,
  style: Pick<OutputStyle, 'quiet' | 'color'> = { quiet: false, color: false },
) {
  const on = Boolean(stream.isTTY) && !style.quiet;
  let shown = false;
  return {
    update(done: number, total: number, message: string, phase = 'scanning') {
      if (!on) return;
      shown = true;
      stream.write(`\r\x1b[2K${progressLine(done, total, phase, message, stream.columns || 80, style.color)}`);
    },
    done() {
      if (on && shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
