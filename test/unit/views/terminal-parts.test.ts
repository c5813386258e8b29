import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AsciicastRecorder, saveRecording } from '../../../electron/engine/terminal/asciicast.js';

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
