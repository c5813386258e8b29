import { describe, expect, it } from 'vitest';
import { bytes, modeString, visible } from '../../../renderer/src/lib/visible-text.js';
import { effectiveCaps } from '../../../renderer/src/features/containers/capabilities.js';
import { lineDiff } from '../../../electron/engine/investigate/files-diff.js';
import { toSample } from '../../../electron/engine/investigate/container-stats.js';
import { MAX_DIFF_LINES } from '@shared/api/investigate.js';

describe('helpers behind the views', () => {
  it('shows control characters, bidi overrides and newlines as visible escapes', () => {
    expect(visible('a\u001b[31mb\u0007')).toBe('a\\x1b[31mb\\x07');
    expect(visible('x\u202ey')).toBe('x\\u202ey');
    expect(visible('l1\nl2\tz')).toBe('l1\\nl2\\tz');
    expect(visible('l1\nl2\tz', { newlines: true, tabs: true })).toBe('l1\nl2\tz');
    expect(visible(undefined)).toBe('');
  });

  it('formats sizes and modes', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(modeString(0o104755)).toBe('rwsr-xr-x');
    expect(modeString(0o644)).toBe('rw-r--r--');
  });

  it('computes effective capabilities', () => {
    expect(effectiveCaps({ capAdd: ['CAP_SYS_ADMIN'], capDrop: ['NET_RAW'], privileged: false }).caps).toContain(
      'SYS_ADMIN',
    );
    expect(effectiveCaps({ capAdd: [], capDrop: ['NET_RAW'], privileged: false }).caps).not.toContain('NET_RAW');
    expect(effectiveCaps({ capAdd: [], capDrop: ['ALL'], privileged: false }).caps).toEqual([]);
    expect(effectiveCaps({ capAdd: [], capDrop: [], privileged: true }).caps).toEqual(['ALL']);
  });

  it('folds unchanged runs of a line diff and bounds its size', () => {
    const before = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const after = before.replace('line 25\n', 'line 25 changed\n');
    const d = lineDiff(before, after);
    expect([d.added, d.removed]).toEqual([1, 1]);
    expect(d.lines.filter((l) => l.op === 'gap').map((l) => l.text)).toEqual([
      '22 unchanged lines',
      '21 unchanged lines',
    ]);
    expect(d.lines.find((l) => l.op === 'add')).toMatchObject({ text: 'line 25 changed', newNo: 26 });
    const huge = lineDiff('', Array.from({ length: MAX_DIFF_LINES + 10 }, (_, i) => `n${i}`).join('\n'));
    expect(huge.linesTruncated).toBe(true);
    expect(huge.lines).toHaveLength(MAX_DIFF_LINES);
    expect(huge.added).toBe(MAX_DIFF_LINES + 10);
  });

  it('turns a raw stats document into a sample', () => {
    const s = toSample({
      read: '2026-01-01T00:00:02Z',
      cpu_stats: { cpu_usage: { total_usage: 2_000_000 }, system_cpu_usage: 20_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
      memory_stats: { usage: 10_000, limit: 1 << 30, stats: { inactive_file: 4_000 } },
      pids_stats: { current: 3 },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
    });
    expect(s).toMatchObject({ cpuPercent: 20, memoryBytes: 6000, pids: 3, netRxBytes: 11, netTxBytes: 22 });
  });
});
