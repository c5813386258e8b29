import { describe, expect, it } from 'vitest';
import { showInvisible } from '../../shared/text.js';
import { terminalSafe } from '../../electron/cli/format/text.js';
import { visible as reportVisible } from '../../electron/engine/reports/escape.js';
import { visible as uiVisible } from '../../renderer/src/lib/visible-text.js';

const HOSTILE = 'a\u001b[31mred\u0007 \u202eevil\u200b\ufeff\tz\n';

describe('invisible characters from containers', () => {
  it('are shown, not interpreted, in every output', () => {
    expect(showInvisible(HOSTILE)).toBe('a\\x1b[31mred\\x07 \\u202eevil\\u200b\\ufeff\\x09z\\x0a');
    expect(terminalSafe(HOSTILE)).toBe('a\\x1b[31mred\\x07 \\u202eevil\\u200b\\ufeff\\x09z\\x0a');
    expect(uiVisible(HOSTILE)).toBe('a\\x1b[31mred\\x07 \\u202eevil\\u200b\\ufeff\\tz\\n');
    expect(reportVisible(HOSTILE)).toBe('a\\u{1b}[31mred\\u{7} \\u{202e}evil\\u{200b}\\u{feff}\tz\n');
  });

  it('keep only what the caller asks for', () => {
    expect(showInvisible('x\ty\nz\r', '\t\n')).toBe('x\ty\nz\\x0d');
  });
});
