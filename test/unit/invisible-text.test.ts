import { describe, expect, it } from 'vitest';
import { showInvisible } from '@shared/text.js';
import { terminalSafe } from '../../electron/cli/format/text.js';
import { visible as reportVisible } from '../../electron/engine/reports/escape.js';
import { shown, visible as uiVisible } from '../../renderer/src/lib/visible-text.js';
import { bundleLabel } from '../../electron/engine/bundle/bundle-format.js';

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

  it('bound names for one line after making them visible', () => {
    expect(shown(`a\u202eb${'x'.repeat(500)}`, 20)).toBe('a\\u202ebxxxxxxxxxxx…');
    expect(shown(undefined)).toBe('');
    const label = bundleLabel({
      engine: { id: 'e', name: 'E'.repeat(256), endpoint: 'x' },
      host: `h\u202e${'H'.repeat(255)}`,
    });
    expect(label.length).toBeLessThanOrEqual(256 - ' (2026-12-02 17:05)'.length);
    expect(label).toMatch(/^E{95}… on h\u202eH{93}…$/);
  });
});
