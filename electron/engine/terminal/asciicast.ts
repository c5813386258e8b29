import { visibleText } from './sanitize.js';

/** Upper bound of one recording; past it the cast notes the cut and the session keeps running. */
export const MAX_RECORDING_BYTES = 32 * 1024 * 1024;

export interface CastHeader {
  width: number;
  height: number;
  title: string;
  command: string;
  env?: Record<string, string>;
}

/**
 * An asciicast v2 recording (header line, then `[seconds, "o"|"i"|"r", data]` lines), so exec sessions can be
 * replayed with standard players and hashed as evidence of exactly what was typed and shown. Each line goes to the
 * sink as soon as it happens, so a recording survives the process that made it. Output events hold the sanitized
 * text the analyst saw, and the header's title and command are shown as text: a native terminal replaying the
 * cast acts on nothing a container wrote.
 */
export class AsciicastRecorder {
  private bytes = 0;
  private cut = false;
  readonly started: number;

  constructor(
    header: CastHeader,
    private readonly sink: (line: string) => void,
    started = Date.now(),
  ) {
    this.started = started;
    this.push(
      JSON.stringify({
        version: 2,
        width: header.width,
        height: header.height,
        timestamp: Math.floor(started / 1000),
        title: visibleText(header.title).slice(0, 512),
        command: visibleText(header.command).slice(0, 4096),
        env: header.env ?? {},
      }),
    );
  }

  output(data: string): void {
    this.event('o', data);
  }
  input(data: string): void {
    this.event('i', data);
  }
  resize(cols: number, rows: number): void {
    this.event('r', `${cols}x${rows}`);
  }

  private event(code: 'o' | 'i' | 'r', data: string): void {
    if (this.cut) return;
    this.push(castLine(this.started, code, data));
  }

  private push(line: string): void {
    if (this.bytes + line.length > MAX_RECORDING_BYTES) {
      this.cut = true;
      this.sink(castLine(this.started, 'o', '\r\n[recording cut: size limit reached]\r\n'));
      return;
    }
    this.sink(line);
    this.bytes += line.length + 1;
  }
}

/** One event line, timed from the start of the recording. */
export function castLine(started: number, code: 'o' | 'i' | 'r', data: string, at = Date.now()): string {
  return JSON.stringify([Number((Math.max(0, at - started) / 1000).toFixed(6)), code, data]);
}
