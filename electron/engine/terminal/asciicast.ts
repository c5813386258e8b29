import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Upper bound of one recording held in memory; past it the cast notes the cut and keeps the session running. */
export const MAX_RECORDING_BYTES = 32 * 1024 * 1024;

/**
 * An asciicast v2 recording (header line, then `[seconds, "o"|"i"|"r", data]` lines), so exec sessions can be
 * replayed with standard players and hashed as evidence of exactly what was typed and shown.
 */
export class AsciicastRecorder {
  private readonly lines: string[] = [];
  private bytes = 0;
  private cut = false;
  private readonly started = Date.now();

  constructor(header: { width: number; height: number; title: string; command: string; env?: Record<string, string> }) {
    this.push(
      JSON.stringify({ version: 2, width: header.width, height: header.height, timestamp: Math.floor(this.started / 1000), title: header.title, command: header.command, env: header.env ?? {} }),
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
    this.push(JSON.stringify([Number(((Date.now() - this.started) / 1000).toFixed(6)), code, data]));
  }

  private push(line: string): void {
    if (this.bytes + line.length > MAX_RECORDING_BYTES) {
      this.cut = true;
      const t = Number(((Date.now() - this.started) / 1000).toFixed(6));
      this.lines.push(JSON.stringify([t, 'o', '\r\n[recording cut: size limit reached]\r\n']));
      return;
    }
    this.lines.push(line);
    this.bytes += line.length + 1;
  }

  toBuffer(): Buffer {
    return Buffer.from(`${this.lines.join('\n')}\n`, 'utf8');
  }
}

/** Writes a finished recording under `<dataDir>/recordings/` and returns where and its hash. */
export async function saveRecording(dataDir: string, name: string, data: Buffer): Promise<{ path: string; sha256: string; bytes: number }> {
  const dir = path.join(dataDir, 'recordings');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.cast`);
  await writeFile(file, data, { mode: 0o600 });
  return { path: file, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}
