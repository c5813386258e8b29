import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AsciicastRecorder, castLine, type CastHeader } from './asciicast.js';

/** Raw output kept as evidence per session; past it the bytes are counted, not kept. */
export const MAX_RAW_BYTES = 64 * 1024 * 1024;

/** What is known about an exec session before it starts, kept beside its recording until the recording is sealed. */
export const ExecJournalSchema = z.object({
  version: z.literal(1),
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  base: z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/),
  caseId: z.string().max(64).optional(),
  engineId: z.string().max(128),
  containerId: z.string().max(64),
  command: z.string().max(8192),
  user: z.string().max(256),
  startedAt: z.string().max(64),
  startedMs: z.number(),
  pid: z.number().int(),
});
export type ExecJournal = z.infer<typeof ExecJournalSchema>;

export interface SealedFile {
  path: string;
  sha256: string;
  bytes: number;
}
export interface SealedRecording {
  journal: ExecJournal;
  cast: SealedFile;
  raw: SealedFile;
}

const dirOf = (dataDir: string) => path.join(dataDir, 'recordings');
const files = (dataDir: string, base: string) => {
  const dir = dirOf(dataDir);
  return {
    journal: path.join(dir, `${base}.session.json`),
    castPart: path.join(dir, `${base}.cast.part`),
    rawPart: path.join(dir, `${base}.raw.part`),
    cast: path.join(dir, `${base}.cast`),
    raw: path.join(dir, `${base}.raw`),
  };
};

/**
 * The recording of one exec session as it happens: a journal naming the session, the asciicast of what the analyst
 * saw and typed, and the raw bytes the container sent. Every event is written to its file when it happens (a
 * write(2), no buffering in this process), so a session whose process is killed leaves everything up to that point.
 */
export class ExecRecording {
  private readonly castFd: number;
  private readonly rawFd: number;
  private rawBytes = 0;
  private rawDropped = 0;
  private sealed = false;
  readonly recorder: AsciicastRecorder;

  private constructor(
    private readonly dataDir: string,
    readonly journal: ExecJournal,
    header: CastHeader,
  ) {
    const f = files(dataDir, journal.base);
    mkdirSync(dirOf(dataDir), { recursive: true, mode: 0o700 });
    writeFileSync(f.journal, JSON.stringify(journal), { mode: 0o600, flag: 'wx' });
    this.castFd = openSync(f.castPart, 'wx', 0o600);
    this.rawFd = openSync(f.rawPart, 'wx', 0o600);
    this.recorder = new AsciicastRecorder(header, (line) => this.writeCast(line), journal.startedMs);
  }

  static start(
    dataDir: string,
    j: Omit<ExecJournal, 'version' | 'base' | 'pid' | 'startedAt' | 'startedMs'>,
    header: CastHeader,
  ): ExecRecording {
    const startedMs = Date.now();
    const startedAt = new Date(startedMs).toISOString();
    const base = `${startedAt.replace(/[:.]/g, '-')}-${j.containerId.slice(0, 12)}-${j.sessionId}`.replace(
      /[^A-Za-z0-9_.-]/g,
      '_',
    );
    return new ExecRecording(dataDir, { version: 1, ...j, base, pid: process.pid, startedAt, startedMs }, header);
  }

  /** Raw bytes as the container sent them, and the sanitized text the analyst was shown. */
  output(raw: Buffer, shown: string): void {
    if (this.sealed) return;
    if (this.rawBytes + raw.length <= MAX_RAW_BYTES) {
      writeSync(this.rawFd, raw);
      this.rawBytes += raw.length;
    } else this.rawDropped += raw.length;
    if (shown) this.recorder.output(shown);
  }

  get droppedRawBytes(): number {
    return this.rawDropped;
  }

  /** Closes the files and gives them their final names; `note` ends the cast with a line saying why. */
  seal(note?: string): SealedRecording {
    if (!this.sealed) {
      this.sealed = true;
      if (note) this.writeCast(castLine(this.journal.startedMs, 'o', `\r\n[${note}]\r\n`));
      closeSync(this.castFd);
      closeSync(this.rawFd);
    }
    return sealFiles(this.dataDir, this.journal);
  }

  /** The journal goes once the recording is kept where it belongs. */
  done(): void {
    finishJournal(this.dataDir, this.journal);
  }

  private writeCast(line: string): void {
    if (!this.sealed) writeSync(this.castFd, `${line}\n`);
  }
}

function sealFile(part: string, final: string): SealedFile {
  if (existsSync(part)) renameSync(part, final);
  const data = existsSync(final) ? readFileSync(final) : Buffer.alloc(0);
  return { path: final, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}

/** Gives the parts their final names and hashes them; safe to run again on a session sealed half-way. */
function sealFiles(dataDir: string, j: ExecJournal): SealedRecording {
  const f = files(dataDir, j.base);
  return { journal: j, cast: sealFile(f.castPart, f.cast), raw: sealFile(f.rawPart, f.raw) };
}

export function finishJournal(dataDir: string, j: ExecJournal): void {
  try {
    unlinkSync(files(dataDir, j.base).journal);
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: a process of another user holds that id, so it is alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Sessions whose process ended without sealing them (killed, crashed, power lost). A session of a process that
 * still runs (another window on the same data directory) is left alone.
 */
export function cutOffSessions(dataDir: string): ExecJournal[] {
  let names: string[];
  try {
    names = readdirSync(dirOf(dataDir)).filter((n) => n.endsWith('.session.json'));
  } catch {
    return [];
  }
  const out: ExecJournal[] = [];
  for (const n of names) {
    try {
      const j = ExecJournalSchema.parse(JSON.parse(readFileSync(path.join(dirOf(dataDir), n), 'utf8')));
      if (`${j.base}.session.json` === n && !alive(j.pid)) out.push(j);
    } catch {
      // A journal that is not ours or not whole is left for the analyst to look at.
    }
  }
  return out;
}

/** Seals a cut-off session: the cast ends with a line saying so, timed at the last write to it. */
export function sealCutOff(dataDir: string, j: ExecJournal): SealedRecording {
  const f = files(dataDir, j.base);
  if (existsSync(f.castPart)) {
    const lastWrite = statSync(f.castPart).mtimeMs;
    const text = readFileSync(f.castPart, 'utf8');
    // A line half-written when the process died would break players: it is dropped from the cast (the raw bytes keep it).
    const lines = text.split('\n');
    const whole = lines.slice(0, -1).filter((l) => {
      try {
        JSON.parse(l);
        return true;
      } catch {
        return false;
      }
    });
    whole.push(
      castLine(
        j.startedMs,
        'o',
        '\r\n[recording cut off: the process hosting the session ended before it closed]\r\n',
        lastWrite,
      ),
    );
    writeFileSync(f.castPart, `${whole.join('\n')}\n`, { mode: 0o600 });
  }
  return sealFiles(dataDir, j);
}
