import { describe, expect, it } from 'vitest';
import { formatScanTable } from '../../../electron/cli/format/scan-table.js';
import { makeFindings, makeScan } from '../../helpers/case-fixtures.js';

/** The terminal table keeps technique ids narrow and spells each one out once, with its tactics, under the findings. */
describe('technique names in the scan table', () => {
  it('lists every technique the findings name with its name and tactics', () => {
    const findings = makeFindings(8);
    findings[7]!.attack = ['T1999'];
    const text = formatScanTable(makeScan(findings));
    const legend = text.slice(text.indexOf('ATT&CK techniques (Enterprise v17):'));
    expect(legend).not.toBe(text);
    expect(legend).toMatch(/^T1611\s+Escape to Host\s+Privilege Escalation$/m);
    expect(legend).toMatch(/^T1610\s+Deploy Container\s+Defense Evasion, Execution$/m);
    expect(legend).toMatch(
      /^T1222\.002\s+File and Directory Permissions Modification: Linux and Mac File and Directory Permissions Modification\s+Defense Evasion$/m,
    );
    // An id the bundled table does not know stays an id, with no tactic invented.
    expect(legend).toMatch(/^T1999\s+T1999\s+-$/m);
    expect(legend.match(/^T1\d{3}/gm)!.length).toBe(new Set(findings.flatMap((f) => f.attack)).size);
  });

  it('adds nothing when there are no findings', () => {
    expect(formatScanTable(makeScan([]))).not.toContain('ATT&CK techniques');
  });
});
