import { describe, expect, it } from 'vitest';
import { MAX_CSI, MAX_STRING_SHOWN, TerminalSanitizer } from '../../../electron/engine/terminal/sanitize.js';

const E = '\u001b';
const once = (s: string | Uint8Array) => {
  const f = new TerminalSanitizer();
  return f.push(s) + f.end();
};
const chunked = (parts: Array<string | Uint8Array>) => {
  const f = new TerminalSanitizer();
  return parts.map((p) => f.push(p)).join('') + f.end();
};

/**
 * The property every output must have, checked independently of the parser: the only raw ESC opens a complete
 * SGR or in-line move/erase, no C1 control appears, and the only other controls are BS, TAB, LF and CR.
 */
const ALLOWED_CSI = /^\[(?:[0-9;:]*m|[0-9]{0,4}[CDG]|[012]?K|0?J)/;
function assertInert(out: string): void {
  for (let i = 0; i < out.length; i++) {
    const code = out.charCodeAt(i);
    if (code === 0x1b) {
      const m = ALLOWED_CSI.exec(out.slice(i + 1, i + 1 + 80));
      if (!m)
        throw new Error(`raw ESC not opening an allowed sequence at ${i}: ${JSON.stringify(out.slice(i, i + 20))}`);
      i += m[0].length;
      continue;
    }
    if ((code < 0x20 && ![0x08, 0x09, 0x0a, 0x0d].includes(code)) || (code >= 0x7f && code <= 0x9f)) {
      throw new Error(
        `raw control 0x${code.toString(16)} at ${i}: ${JSON.stringify(out.slice(Math.max(0, i - 10), i + 10))}`,
      );
    }
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069))
      throw new Error(`raw bidi control at ${i}`);
  }
}

describe('terminal sanitizer: the reported bypass', () => {
  // An ESC before a sequence a filter removes used to join the `]` after it: a working OSC 52 came out.
  const ATTACK = `${E}${E}]0;x\u0007]52;c;ZXZpbA==\u0007after`;

  it('shows every part of it as text in one chunk', () => {
    const out = once(ATTACK);
    assertInert(out);
    expect(out).toBe('\\x1b\\x1b]0;x\\x07]52;c;ZXZpbA==\\x07after');
  });

  it('gives the same inert text split across two chunks at every offset, as text and as bytes', () => {
    const whole = once(ATTACK);
    const bytes = Buffer.from(ATTACK, 'utf8');
    for (let i = 0; i <= ATTACK.length; i++) {
      const out = chunked([ATTACK.slice(0, i), ATTACK.slice(i)]);
      assertInert(out);
      expect(out).toBe(whole);
    }
    for (let i = 0; i <= bytes.length; i++) {
      const out = chunked([bytes.subarray(0, i), bytes.subarray(i)]);
      assertInert(out);
      expect(out).toBe(whole);
    }
  });

  it('gives the same inert text one byte at a time', () => {
    const out = chunked([...Buffer.from(ATTACK)].map((b) => Uint8Array.of(b)));
    assertInert(out);
    expect(out).toBe(once(ATTACK));
  });
});

describe('terminal sanitizer: what passes', () => {
  it('keeps text, UTF-8 split across chunks, and line controls', () => {
    const bytes = Buffer.from('héllo wörld ✓ 𝄞\r\n\tx\by', 'utf8');
    for (let i = 0; i <= bytes.length; i++)
      expect(chunked([bytes.subarray(0, i), bytes.subarray(i)])).toBe('héllo wörld ✓ 𝄞\r\n\tx\by');
  });

  it('keeps SGR colours, 256 and true colour, and moves within the line', () => {
    const ok = [
      `${E}[m`,
      `${E}[0m`,
      `${E}[1;31m`,
      `${E}[38;5;196m`,
      `${E}[48;2;10;20;30m`,
      `${E}[38:2::10:20:30m`,
      `${E}[4:3m`,
      `${E}[5C`,
      `${E}[D`,
      `${E}[12G`,
      `${E}[K`,
      `${E}[2K`,
      `${E}[J`,
      `${E}[0J`,
    ];
    for (const seq of ok) expect(once(`a${seq}b`)).toBe(`a${seq}b`);
  });

  it('holds an allowed sequence split across chunks until it is complete', () => {
    const f = new TerminalSanitizer();
    expect(f.push(`red${E}`)).toBe('red');
    expect(f.push('[3')).toBe('');
    expect(f.push('1mX')).toBe(`${E}[31mX`);
  });
});

describe('terminal sanitizer: what is shown as text', () => {
  const cases: Array<[string, string, string]> = [
    ['OSC 0 window title (BEL)', `${E}]0;evil title\u0007`, '\\x1b]0;evil title\\x07'],
    ['OSC 2 title (ST)', `${E}]2;t${E}\\`, '\\x1b]2;t\\x1b\\'],
    ['OSC 52 clipboard', `${E}]52;c;ZXZpbA==\u0007`, '\\x1b]52;c;ZXZpbA==\\x07'],
    ['OSC 10 colour query', `${E}]10;?\u0007`, '\\x1b]10;?\\x07'],
    ['OSC 11 background', `${E}]11;#ff0000\u0007`, '\\x1b]11;#ff0000\\x07'],
    ['OSC 8 hyperlink', `${E}]8;;http://x\u0007link${E}]8;;\u0007`, '\\x1b]8;;http://x\\x07link\\x1b]8;;\\x07'],
    ['DCS (DECRQSS query)', `${E}P$qm${E}\\`, '\\x1bP$qm\\x1b\\'],
    ['DCS sixel with newlines', `${E}Pq#0\n!10~${E}\\`, '\\x1bPq#0\\x0a!10~\\x1b\\'],
    ['APC', `${E}_Gf=100;AAAA${E}\\`, '\\x1b_Gf=100;AAAA\\x1b\\'],
    ['PM', `${E}^private${E}\\`, '\\x1b^private\\x1b\\'],
    ['SOS', `${E}Xstart of string${E}\\`, '\\x1bXstart of string\\x1b\\'],
    ['8-bit CSI', '\u009b31m', '\\x9b31m'],
    ['8-bit CSI query', '\u009b6n', '\\x9b6n'],
    ['8-bit OSC', '\u009d52;c;eA==\u009c', '\\x9d52;c;eA==\\x9c'],
    ['8-bit DCS', '\u0090$qm\u009c', '\\x90$qm\\x9c'],
    ['8-bit APC/PM/SOS', '\u009fa\u009c\u009eb\u009c\u0098c\u009c', '\\x9fa\\x9c\\x9eb\\x9c\\x98c\\x9c'],
    ['device attributes query', `${E}[c${E}[>c`, '\\x1b[c\\x1b[>c'],
    ['device status / cursor position query', `${E}[5n${E}[6n`, '\\x1b[5n\\x1b[6n'],
    ['window ops (title report)', `${E}[21t`, '\\x1b[21t'],
    [
      'mode sets (alt screen, mouse, bracketed paste)',
      `${E}[?1049h${E}[?1000h${E}[?2004h${E}[4h`,
      '\\x1b[?1049h\\x1b[?1000h\\x1b[?2004h\\x1b[4h',
    ],
    [
      'cursor to another line, erase display or above, scroll region',
      `${E}[1;1H${E}[2J${E}[1J${E}[3A${E}[2;5r`,
      '\\x1b[1;1H\\x1b[2J\\x1b[1J\\x1b[3A\\x1b[2;5r',
    ],
    ['conceal (hides text)', `${E}[8m${E}[0;8m`, '\\x1b[8m\\x1b[0;8m'],
    ['malformed SGR', `${E}[38;5m${E}[1234m${E}[3$m`, '\\x1b[38;5m\\x1b[1234m\\x1b[3$m'],
    ['other escapes: RIS, save cursor, charset, keypad', `${E}c${E}7${E}(0${E}=`, '\\x1bc\\x1b7\\x1b(0\\x1b='],
    ['bell, NUL, DEL, vertical tab', '\u0007\u0000\u007f\u000b', '\\x07\\x00\\x7f\\x0b'],
    ['bidi overrides and zero width', 'a\u202eb\u2066c\u200bd\ufeff', 'a\\u202eb\\u2066c\\u200bd\\ufeff'],
    ['lone ESC before text', `${E}x${E}${E}[31m`, `\\x1bx\\x1b${E}[31m`],
    ['CAN cancels a sequence', `${E}[3\u0018m`, '\\x1b[3\\x18m'],
    ['ESC inside a string ends it', `${E}]0;t${E}[31mred`, `\\x1b]0;t${E}[31mred`],
    ['UTF-8 encoded C1', Buffer.from('\u009b2J', 'utf8').toString('utf8'), '\\x9b2J'],
  ];
  for (const [name, input, shown] of cases) {
    it(name, () => {
      const out = once(input);
      assertInert(out);
      expect(out).toBe(shown);
    });
  }

  it('treats raw 8-bit C1 bytes (invalid UTF-8) as replacement characters', () => {
    const out = once(Uint8Array.from([0x9b, 0x33, 0x31, 0x6d, 0x9d, 0x30, 0x3b, 0x78, 0x07]));
    assertInert(out);
    expect(out).toBe('\ufffd31m\ufffd0;x\\x07');
  });

  it('shows a sequence left unfinished at the end of the stream', () => {
    for (const tail of [E, `${E}[3`, '\u009b', `${E}]0;x`, `${E}]0;x${E}`]) {
      const out = once(`a${tail}`);
      assertInert(out);
      expect(out.startsWith('a\\x')).toBe(true);
    }
  });

  it('bounds what it holds and what it shows', () => {
    const f = new TerminalSanitizer();
    const long = `${E}[${'1;'.repeat(MAX_CSI)}`;
    const out1 = f.push(long);
    expect(out1.startsWith('\\x1b[1;1;')).toBe(true);
    expect(f.push('31m')).toBe('31m');
    const g = new TerminalSanitizer();
    const payload = 'A'.repeat(MAX_STRING_SHOWN + 5000);
    const out2 = g.push(`${E}]52;c;${payload}\u0007done`) + g.end();
    assertInert(out2);
    expect(out2.length).toBeLessThan(MAX_STRING_SHOWN + 200);
    expect(out2).toContain('…(5005 more characters not shown)\\x07done');
  });
});

/** A small seeded generator, so a failing stream can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Bytes that matter to a VT parser come up often; the rest is random.
const INTERESTING = [
  0x1b, 0x1b, 0x1b, 0x5b, 0x5d, 0x50, 0x58, 0x5e, 0x5f, 0x5c, 0x07, 0x18, 0x1a, 0x3b, 0x3a, 0x3f, 0x6d, 0x43, 0x4b,
  0x48, 0x6e, 0x31, 0x38, 0x35, 0x32, 0x0a, 0x0d, 0x9b, 0x9d, 0x90, 0x9c, 0xc2, 0xe2, 0x80, 0xae,
];

describe('terminal sanitizer: random streams', () => {
  it('never emits a raw ESC or C1 except to open an allowed sequence, however the stream is chunked', () => {
    const r = rng(20261202);
    for (let n = 0; n < 3000; n++) {
      const len = Math.floor(r() * 200);
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++)
        bytes[i] = r() < 0.6 ? INTERESTING[Math.floor(r() * INTERESTING.length)]! : Math.floor(r() * 256);
      const whole = once(bytes);
      assertInert(whole);
      const f = new TerminalSanitizer();
      const pieces: string[] = [];
      for (let i = 0; i < len;) {
        const step = 1 + Math.floor(r() * 12);
        const piece = f.push(bytes.subarray(i, i + step));
        // Each emitted piece is inert on its own: nothing relies on the next piece to be completed.
        assertInert(piece);
        pieces.push(piece);
        i += step;
      }
      pieces.push(f.end());
      expect(pieces.join('')).toBe(whole);
    }
  });

  it('holds on random text input too (C1 and bidi as characters)', () => {
    const r = rng(7);
    const chars = [
      '\u001b',
      '[',
      ']',
      'P',
      '\\',
      '\u0007',
      '\u009b',
      '\u009d',
      '\u0090',
      '\u009c',
      '\u202e',
      '\u2066',
      ';',
      'm',
      '0',
      '8',
      'x',
      '\n',
    ];
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const len = Math.floor(r() * 100);
      for (let i = 0; i < len; i++) s += chars[Math.floor(r() * chars.length)];
      const cut = Math.floor(r() * (s.length + 1));
      const out = chunked([s.slice(0, cut), s.slice(cut)]);
      assertInert(out);
      expect(out).toBe(once(s));
    }
  });
});
