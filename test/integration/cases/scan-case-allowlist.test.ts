import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanResultSchema } from '@shared/domain/scan.js';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { runCli } from '../../helpers/cli.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';

const SUITE = 'cases-scan-allowlist';

/**
 * `stowaway scan --case X` judges findings by X's allowlist even while another case is current: a scan
 * recorded into a case must not be filtered by (or escape) the rules of a different investigation.
 */
describe('scan --case uses that case’s allowlist', () => {
  const tmp = tempDataDir('stowaway-scan-allowlist-');
  const env = { STOWAWAY_DATA_DIR: tmp.dir, STOWAWAY_ANALYST: 'analyst-1' };
  const name = `sw-allow-${process.pid}`;
  let containerId = '';

  beforeAll(async () => {
    await removeSuite(SUITE);
    // A bind shell: a finding every scan reports for this container unless an allowlist hides it.
    const c = await runContainer({
      suite: SUITE,
      name,
      cmd: ['sh', '-c', 'while true; do nc -l -p 4444 -e /bin/sh; sleep 1; done'],
    });
    containerId = c.id;
    await new Promise((r) => setTimeout(r, 1500));
    const cases = new CaseService(tmp.dir, 'analyst-1');
    try {
      const quiet = cases.create('allowlisted');
      cases.addSuppression(quiet.id, {
        id: 'lab-shell',
        reason: 'lab container under test',
        detectors: ['*'],
        match: { container: name },
      });
      // The current case is a different one, with no allowlist at all.
      const other = cases.create('open-case');
      cases.open(other.id);
      expect(cases.currentId()).toBe(other.id);
    } finally {
      cases.dispose();
    }
  }, 60_000);
  afterAll(async () => {
    await removeSuite(SUITE);
    tmp.cleanup();
  });

  const scanInto = async (caseName: string) => {
    const r = await runCli(['scan', '--format', 'json', '--since', '10m', '--case', caseName], {
      env,
      timeoutMs: 120_000,
    });
    expect([0, 1], r.stderr).toContain(r.code);
    return ScanResultSchema.parse(JSON.parse(r.stdout));
  };

  it('the allowlisted case hides the container’s findings and keeps them as suppressed', async () => {
    const scan = await scanInto('allowlisted');
    expect(scan.findings.filter((f) => f.container?.id === containerId)).toEqual([]);
    const cases = new CaseService(tmp.dir, 'analyst-1');
    try {
      const c = cases.resolve('allowlisted');
      const mine = cases.allFindings(c.id).filter((f) => f.container?.id === containerId);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((f) => f.state === 'suppressed' && f.suppressedBy?.startsWith('lab-shell'))).toBe(true);
    } finally {
      cases.dispose();
    }
  });

  it('the current case, without an allowlist, still sees them', async () => {
    const scan = await scanInto('open-case');
    expect(scan.findings.filter((f) => f.container?.id === containerId).length).toBeGreaterThan(0);
  });
});
