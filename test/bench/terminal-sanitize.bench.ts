// Terminal output through the VT sanitizer, against UTF-8 decoding alone (the floor: every byte must be decoded).
// Run: npm run bench -- terminal-sanitize   (prints MB/s and the ratio of sanitizer time to decoding time)
import { TerminalSanitizer } from '../../electron/engine/terminal/sanitize.js';

const MB = 32;
const CHUNK = 16 * 1024;
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Output shaped like what terminals show: plain log lines, coloured `ls`, and a hostile stream of sequences. */
function corpus(kind: 'plain' | 'coloured' | 'hostile'): Buffer {
  const line =
    kind === 'plain'
      ? '2026-12-02T17:05:00.123Z INFO request served path=/api/v1/items status=200 bytes=5123 µs=412 ✓\n'
      : kind === 'coloured'
        ? '\u001b[0m\u001b[01;34mbin\u001b[0m  \u001b[01;32mrun.sh\u001b[0m  \u001b[38;5;196merr\u001b[0m  plain.txt\r\n'
        : '\u001b]52;c;ZXZpbA==\u0007\u001b[6n\u009b2J\u001bP$qm\u001b\\text\u001b\u001b]0;t\u0007]11;?\u0007\r\n';
  const one = Buffer.from(line);
  return Buffer.concat(Array(Math.ceil((MB * 1024 * 1024) / one.length)).fill(one));
}

/** CPU time, not wall time: on a shared machine the wall clock mostly measures the neighbours. */
function time(data: Buffer, f: (chunk: Buffer) => void): number {
  const t = process.cpuUsage();
  for (let i = 0; i < data.length; i += CHUNK) f(data.subarray(i, i + CHUNK));
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
}

for (const kind of ['plain', 'coloured', 'hostile'] as const) {
  const data = corpus(kind);
  const decodeMs: number[] = [];
  const sanitizeMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const d = new TextDecoder();
    decodeMs.push(time(data, (c) => void d.decode(c, { stream: true })));
    const s = new TerminalSanitizer();
    sanitizeMs.push(time(data, (c) => void s.push(c)));
  }
  const dec = median(decodeMs);
  const san = median(sanitizeMs);
  const mbs = (ms: number) => (data.length / 1024 / 1024 / (ms / 1000)).toFixed(0);
  console.log(
    `${kind.padEnd(9)} ${(data.length / 1024 / 1024).toFixed(0)} MB in ${CHUNK / 1024} KiB chunks: decode ${dec.toFixed(0)} ms CPU (${mbs(dec)} MB/s), sanitize ${san.toFixed(0)} ms CPU (${mbs(san)} MB/s), ratio ${(san / dec).toFixed(2)}`,
  );
}
