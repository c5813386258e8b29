/**
 * Removes OSC sequences (ESC ] ... BEL or ESC \) from container output. They set window titles, write the clipboard
 * (OSC 52) and make links (OSC 8): none of that may be steered by a container. Colours and cursor moves (CSI) stay.
 * A sequence split across chunks is held back until it completes, or dropped when it grows beyond reason.
 */
export class OscFilter {
  private pending = '';

  push(chunk: string): string {
    let s = this.pending + chunk;
    this.pending = '';
    let out = '';
    for (;;) {
      const i = s.search(/\u001b\]|\u009d/);
      if (i < 0) break;
      out += s.slice(0, i);
      const rest = s.slice(i);
      const end = /\u0007|\u001b\\|\u009c/.exec(rest);
      if (!end) {
        // Unterminated: wait for the rest, but never hold more than 4 KiB of it.
        this.pending = rest.length > 4096 ? '' : rest;
        return out;
      }
      s = rest.slice(end.index + end[0].length);
    }
    // A trailing lone ESC may start an OSC in the next chunk.
    if (s.endsWith('\u001b')) {
      this.pending = '\u001b';
      s = s.slice(0, -1);
    }
    return out + s;
  }
}
