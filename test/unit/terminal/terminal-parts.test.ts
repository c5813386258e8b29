import { describe, expect, it } from 'vitest';
import { AsciicastRecorder } from '../../../electron/engine/terminal/asciicast.js';

describe('asciicast recording', () => {
  it('streams a v2 header and timed events to its sink, with the title and command shown as text', () => {
    const lines: string[] = [];
    const r = new AsciicastRecorder(
      { width: 80, height: 24, title: 'c\u001b]0;t\u0007 sh', command: 'sh\u202e' },
      (l) => lines.push(l),
    );
    expect(lines.length).toBe(1);
    r.input('echo hi\r');
    expect(lines.length).toBe(2);
    r.output('hi\r\n');
    r.resize(100, 30);
    const parsed = lines.map((l) => JSON.parse(l) as unknown);
    expect(parsed[0]).toMatchObject({
      version: 2,
      width: 80,
      height: 24,
      title: 'c\\x1b]0;t\\x07 sh',
      command: 'sh\\u202e',
    });
    expect(parsed.slice(1).map((l) => (l as unknown[])[1])).toEqual(['i', 'o', 'r']);
    expect((parsed[3] as unknown[])[2]).toBe('100x30');
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
