/**
 * What a container writes to a terminal is hostile: escape sequences set window titles (OSC 0/2), write the clipboard
 * (OSC 52), recolour the page (OSC 10/11), make the terminal answer queries into the container's stdin (OSC 10 `?`,
 * DA, DSR), switch modes, move the cursor over earlier lines, or hide payloads in DCS/APC/PM/SOS strings.
 *
 * This is a small VT parser (after the DEC ANSI parser states: ground, escape, CSI, OSC and the DCS/SOS/PM/APC
 * strings, 7-bit and 8-bit C1 introducers) whose state survives chunk boundaries. It lets through only SGR colours,
 * moves within the current line and erasing from the cursor on; every other control character and sequence is
 * written out as visible text in the `\x1b` style the rest of the application uses, so the analyst sees what the
 * container tried and the terminal acts on none of it. Nothing it emits can start a sequence that is not allowed:
 * the only raw ESC in the output opens a complete allowed CSI sequence, and no C1 control is ever emitted raw.
 */

/** Longest CSI held back while deciding whether it is allowed; longer ones are shown as text. */
export const MAX_CSI = 64;
/** Characters of one OSC/DCS/SOS/PM/APC payload shown; the rest is counted, not shown (the raw bytes keep it). */
export const MAX_STRING_SHOWN = 1024;

const ESC = '\u001b';
const CAN = 0x18;
const SUB = 0x1a;
const BEL = 0x07;

// Bidi overrides and isolates, zero-width characters and the BOM, besides C0, DEL and C1: the set shared/text.ts hides.
const SPECIAL_RUN =
  /[\u0000-\u0007\u000b-\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const WHOLE_CSI = /\u001b\[([0-9;:]{0,64})([mCDGKJ])/y;
/** Controls with an effect confined to the current line (BS, TAB, LF, CR). */
const LINE_CONTROLS = new Set([0x08, 0x09, 0x0a, 0x0d]);

/** One character as it is shown when it is not allowed to act: `\x1b`, `\x9d`, `\u202e`. */
export function visibleChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A string in which every control and invisible character is shown. */
export function visibleText(s: string): string {
  let out = '';
  for (const c of s)
    out += isSpecial(c.charCodeAt(0)) || LINE_CONTROLS.has(c.charCodeAt(0)) || c === ESC ? visibleChar(c) : c;
  return out;
}

function isSpecial(code: number): boolean {
  return (
    (code < 0x20 && !LINE_CONTROLS.has(code)) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

/**
 * SGR parameters that only colour or style text. Conceal (8) is refused: it would let a container hide text from
 * the analyst. Extended colours (38/48/58 with `;5;n` or `;2;r;g;b`, or the colon form) are accepted whole.
 */
function sgrAllowed(params: string): boolean {
  // Programs repeat a handful of colour sequences: their verdicts are kept.
  let known = SGR_SEEN.get(params);
  if (known === undefined) {
    known = sgrParamsAllowed(params);
    if (SGR_SEEN.size >= 512) SGR_SEEN.clear();
    SGR_SEEN.set(params, known);
  }
  return known;
}
const SGR_SEEN = new Map<string, boolean>();

function sgrParamsAllowed(params: string): boolean {
  if (!/^[0-9;:]*$/.test(params)) return false;
  const p = params === '' ? [] : params.split(';');
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (v.includes(':')) {
      if (!/^(38|48|58|4)(:[0-9]{0,3})*$/.test(v)) return false;
      continue;
    }
    if (v.length > 3) return false;
    const n = v === '' ? 0 : Number(v);
    if (n === 8) return false;
    if (n === 38 || n === 48 || n === 58) {
      if (p[i + 1] === '5') i += 2;
      else if (p[i + 1] === '2') i += 4;
      else return false;
      if (i >= p.length) return false;
    }
  }
  return true;
}

/** `final` with `params` (no intermediates, no private marker) is SGR or a move/erase within the line. */
export function csiAllowed(params: string, final: string): boolean {
  switch (final) {
    case 'm':
      return sgrAllowed(params);
    case 'C': // CUF
    case 'D': // CUB
    case 'G': // CHA
      return /^[0-9]{0,4}$/.test(params);
    case 'K': // EL: erase in line
      return /^[012]?$/.test(params);
    case 'J': // ED 0: erase below the cursor, where nothing can be since the cursor never moves up (line editors use it)
      return /^0?$/.test(params);
    default:
      return false;
  }
}

type State =
  | { kind: 'ground' }
  | { kind: 'escape' }
  | { kind: 'csi'; intro: string; buf: string; overlong: boolean }
  | { kind: 'string'; osc: boolean; shown: number; hidden: number; esc: boolean };

/**
 * Streams container output through the parser. `push` takes bytes (decoded as UTF-8 with the decoder's state kept
 * across chunks) or text; `end` flushes what an unfinished sequence held back, shown as text.
 */
export class TerminalSanitizer {
  private state: State = { kind: 'ground' };
  private readonly decoder = new TextDecoder('utf-8');

  push(chunk: Uint8Array | string): string {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.feed(text);
  }

  end(): string {
    const out = this.feed(this.decoder.decode());
    const tail = this.pending();
    this.state = { kind: 'ground' };
    return out + tail;
  }

  /** What an unfinished sequence has held back, as visible text. */
  private pending(): string {
    const s = this.state;
    if (s.kind === 'escape') return visibleChar(ESC);
    if (s.kind === 'csi' && !s.overlong)
      return visibleChar(s.intro) + (s.intro === ESC ? '[' : '') + visibleText(s.buf);
    if (s.kind === 'string') return (s.esc ? visibleChar(ESC) : '') + this.hiddenNote(s);
    return '';
  }

  private hiddenNote(s: { hidden: number }): string {
    return s.hidden > 0 ? `…(${s.hidden} more characters not shown)` : '';
  }

  private feed(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const s = this.state;
      if (s.kind === 'ground') {
        // Plain text runs are copied in one slice.
        SPECIAL_RUN.lastIndex = i;
        const m = SPECIAL_RUN.exec(text);
        const stop = m ? m.index : text.length;
        out += text.slice(i, stop);
        i = stop;
        if (i >= text.length) break;
        // An allowed sequence whole within this chunk is copied at once; anything else goes through the states.
        if (text.charCodeAt(i) === 0x1b) {
          WHOLE_CSI.lastIndex = i;
          const w = WHOLE_CSI.exec(text);
          if (w && csiAllowed(w[1]!, w[2]!)) {
            out += w[0];
            i += w[0].length;
            continue;
          }
        }
        out += this.ground(text[i]!);
        i++;
        continue;
      }
      out += this.step(text[i]!);
      i++;
    }
    return out;
  }

  /** A control or invisible character in the ground state. */
  private ground(c: string): string {
    const code = c.charCodeAt(0);
    if (c === ESC) {
      this.state = { kind: 'escape' };
      return '';
    }
    if (code === 0x9b) {
      this.state = { kind: 'csi', intro: c, buf: '', overlong: false };
      return '';
    }
    if (code === 0x9d || code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) {
      this.state = { kind: 'string', osc: code === 0x9d, shown: 0, hidden: 0, esc: false };
      return visibleChar(c);
    }
    return visibleChar(c);
  }

  private step(c: string): string {
    const s = this.state;
    const code = c.charCodeAt(0);
    switch (s.kind) {
      case 'escape': {
        if (c === '[') {
          this.state = { kind: 'csi', intro: ESC, buf: '', overlong: false };
          return '';
        }
        if (c === ']' || c === 'P' || c === 'X' || c === '^' || c === '_') {
          this.state = { kind: 'string', osc: c === ']', shown: 0, hidden: 0, esc: false };
          return visibleChar(ESC) + c;
        }
        this.state = { kind: 'ground' };
        if (c === ESC) {
          this.state = { kind: 'escape' };
          return visibleChar(ESC);
        }
        // Other escapes (charset designations, save/restore cursor, keypad modes, reset) are shown, not run. A
        // control or non-ASCII character cancels the escape and is handled as in the ground state.
        if (code >= 0x20 && code <= 0x7e) return visibleChar(ESC) + c;
        return visibleChar(ESC) + this.feed(c);
      }
      case 'csi': {
        if (code >= 0x20 && code <= 0x3f) {
          if (s.overlong) return c;
          s.buf += c;
          if (s.buf.length > MAX_CSI) {
            s.overlong = true;
            return this.shownCsi(s.intro, s.buf);
          }
          return '';
        }
        if (code >= 0x40 && code <= 0x7e) {
          this.state = { kind: 'ground' };
          if (s.overlong) return c;
          if (s.intro === ESC && csiAllowed(s.buf, c)) return `${ESC}[${s.buf}${c}`;
          return this.shownCsi(s.intro, s.buf) + c;
        }
        // Anything else ends the sequence unfinished: what was held is shown and the character starts afresh.
        this.state = { kind: 'ground' };
        return (s.overlong ? '' : this.shownCsi(s.intro, s.buf)) + this.feed(c);
      }
      case 'string': {
        if (s.esc) {
          s.esc = false;
          if (c === '\\') {
            this.state = { kind: 'ground' };
            return this.hiddenNote(s) + visibleChar(ESC) + '\\';
          }
          // ESC inside a string ends it, and starts a new escape with this character.
          this.state = { kind: 'escape' };
          return this.hiddenNote(s) + this.step(c);
        }
        if (c === ESC) {
          s.esc = true;
          return '';
        }
        if (code === 0x9c || code === CAN || code === SUB || (s.osc && code === BEL)) {
          this.state = { kind: 'ground' };
          return this.hiddenNote(s) + visibleChar(c);
        }
        if (s.shown >= MAX_STRING_SHOWN) {
          s.hidden++;
          return '';
        }
        s.shown++;
        return isSpecial(code) || LINE_CONTROLS.has(code) ? visibleChar(c) : c;
      }
      default:
        return this.ground(c);
    }
  }

  private shownCsi(intro: string, buf: string): string {
    return visibleChar(intro) + (intro === ESC ? '[' : '') + buf;
  }
}
