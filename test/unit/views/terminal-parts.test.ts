import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AsciicastRecorder, saveRecording } from '../../../electron/engine/terminal/asciicast.js';
import { OscFilter } from '../../../electron/engine/terminal/sanitize.js';

describe('OSC filter', () => {
  it('removes title, clipboard and hyperlink sequences and keeps colours', () => {
    const f = new OscFilter();
    expect(f.push('a\u001b]0;evil title\u0007b\u001b]52;c;ZXZpbA==\u001b\\c\u001b[31mred\u001b[0m')).toBe('abc\u001b[31mred\u001b[0m');
    expect(f.push('\u001b]8;;http://x\u0007link\u001b]8;;\u0007')).toBe('link');
  });
  it('holds a sequence split across chunks until it ends', () => {
    const f = new OscFilter();
    expect(f.push('one\u001b')).toBe('one');
    expect(f.push(']2;ti')).toBe('');
    expect(f.push('tle\u0007two')).toBe('two');
  });
  it('drops an unterminated sequence that grows without bound', () => {
    const f = new OscFilter();
    expect(f.push(`\u001b]0;${'x'.repeat(5000)}`)).toBe('');
    expect(f.push('after')).toBe('after');
  });
});

describe('asciicast recording', () => {
  it('writes a v2 header and timed events and hashes the file', async () => {
    const r = new AsciicastRecorder({ width: 80, height: 24, title: 'c sh', command: 'sh' });
    r.input('echo hi\r');
    r.output('hi\r\n');
    r.resize(100, 30);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sw-cast-'));
    try {
      const saved = await saveRecording(dir, 'x/../y', r.toBuffer());
      expect(path.dirname(saved.path)).toBe(path.join(dir, 'recordings'));
      const text = readFileSync(saved.path, 'utf8');
      expect(saved.sha256).toBe(createHash('sha256').update(text).digest('hex'));
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as unknown);
      expect(lines[0]).toMatchObject({ version: 2, width: 80, height: 24, command: 'sh' });
      expect(lines.slice(1).map((l) => (l as unknown[])[1])).toEqual(['i', 'o', 'r']);
      expect((lines[3] as unknown[])[2]).toBe('100x30');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('terminal input queue', () => {
  it('keeps keystrokes in order with one call in flight, joining what was typed meanwhile', async () => {
    const { createInputQueue } = await import('../../../renderer/src/features/terminal/input-queue.js');
    const sent: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const send = async (d: string) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Later calls would finish first if they were concurrent.
      await new Promise((r) => setTimeout(r, 20 - sent.length * 5));
      sent.push(d);
      inFlight--;
    };
    const q = createInputQueue(send);
    for (const ch of 'echo hi\r') q(ch);
    await new Promise((r) => setTimeout(r, 100));
    expect(sent.join('')).toBe('echo hi\r');
    expect(sent).toEqual(['e', 'cho hi\r']);
    expect(maxInFlight).toBe(1);
  });
});
