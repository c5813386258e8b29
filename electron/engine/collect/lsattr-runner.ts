import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Reads one list file (NUL-separated paths), prints lsattr's lines, then a NUL line that no path can contain. */
const LOOP = `while IFS= read -r f; do xargs -0 -r lsattr -d -- < "$f" 2>/dev/null; rm -f -- "$f"; printf '\\0\\n'; done`;
const END = '\0\n';

type Shell = ChildProcessByStdio<Writable, Readable, null>;

interface Pending {
  resolve: (out: string | null) => void;
  timer: NodeJS.Timeout;
}

/**
 * One long-lived shell that runs lsattr over lists of paths, for every scan of the process. Starting a process from
 * Node copies the page tables of the whole (large) process on the asking thread, some 15 to 25 ms each time; the
 * small shell starts lsattr for a fraction of that, and beside the scan rather than in its way. Lists travel as
 * files in a private directory, so no path (newlines and all) is ever parsed by the shell.
 */
export class LsattrRunner {
  private child?: Shell;
  private dir?: string;
  private out = '';
  private readonly queue: Pending[] = [];
  private n = 0;
  private broken = false;

  /** lsattr's output for `hostPaths`, or null when it could not run (no shell, killed, timed out). */
  run(hostPaths: string[], timeoutMs = 10_000): Promise<string | null> {
    const list = hostPaths.filter((p) => !p.includes('\0'));
    if (!list.length) return Promise.resolve('');
    const child = this.start();
    if (!child || !this.dir) return Promise.resolve(null);
    const file = path.join(this.dir, String(++this.n));
    try {
      writeFileSync(file, list.map((p) => `${p}\0`).join(''), { mode: 0o600 });
    } catch {
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      this.queue.push({ resolve, timer });
      this.hold(true);
      child.stdin.write(`${file}\n`);
    });
  }

  /** Ends the shell; what it was running answers null. */
  stop(): void {
    this.child?.kill('SIGKILL');
  }

  private start(): Shell | undefined {
    if (this.child || this.broken) return this.child;
    try {
      this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'stowaway-lsattr-'));
      const child = spawn('sh', ['-c', LOOP], { stdio: ['pipe', 'pipe', 'ignore'] });
      this.child = child;
      this.out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => this.take(d));
      child.stdin.on('error', () => undefined);
      child.on('error', () => {
        // No shell here: say so to every caller from now on instead of trying again per scan.
        this.broken = true;
        this.end();
      });
      child.on('exit', () => this.end());
      this.hold(false);
      return child;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  private take(d: string): void {
    this.out += d;
    let at: number;
    while ((at = this.out.indexOf(END)) >= 0) {
      const text = this.out.slice(0, at);
      this.out = this.out.slice(at + END.length);
      const p = this.queue.shift();
      if (p) {
        clearTimeout(p.timer);
        p.resolve(text);
      }
    }
    // A runaway output (it cannot be lsattr's) is dropped rather than kept.
    if (this.out.length > 64 * 1024 * 1024) this.stop();
    if (!this.queue.length) this.hold(false);
  }

  private end(): void {
    this.child = undefined;
    this.out = '';
    for (const p of this.queue.splice(0)) {
      clearTimeout(p.timer);
      p.resolve(null);
    }
  }

  /** While a list is out the process waits for it; an idle shell never keeps the process alive. */
  private hold(on: boolean): void {
    const c = this.child;
    if (!c) return;
    for (const h of [c, c.stdin, c.stdout] as Array<{ ref(): void; unref(): void }>) {
      if (on) h.ref();
      else h.unref();
    }
  }

  /** Removes the list directory (the shell deletes each list once read). */
  dispose(): void {
    this.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

let shared: LsattrRunner | undefined;

/** The process's runner, started on first use; its list directory goes when the process exits. */
export function lsattrRunner(): LsattrRunner {
  if (!shared) {
    const runner = new LsattrRunner();
    shared = runner;
    process.once('exit', () => runner.dispose());
  }
  return shared;
}
