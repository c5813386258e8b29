import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../electron/engine/app.js';
import type { OpName } from '@shared/api/contract.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';

const SUITE = 'case-ops';

/** The case operations through the contract dispatcher, as the UI calls them, after a real scan. */
describe('case operations over the contract', () => {
  const tmp = tempDataDir('stowaway-case-ops-');
  let app: App;
  const ctx = { transport: 'http' as const, user: 'ui-analyst' };
  const call = async <T>(op: OpName, input: unknown): Promise<T> => {
    const r = await app.dispatch(op, input, ctx);
    if (!r.ok) throw new Error(`${op}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  };
  let containerId = '';
  let engineId = '';
  let finding: { id: string; detector: string } | undefined;

  beforeAll(async () => {
    await removeSuite(SUITE);
    containerId = (
      await runContainer({
        suite: SUITE,
        name: `sw-case-ops-${process.pid}`,
        cmd: ['sh', '-c', 'while true; do nc -l -p 4445 -e /bin/sh; sleep 1; done'],
      })
    ).id;
    await new Promise((r) => setTimeout(r, 1500));
    app = createApp({ env: { ...process.env, STOWAWAY_DATA_DIR: tmp.dir }, dataDir: tmp.dir });
  });
  afterAll(async () => {
    await app?.dispose();
    await removeSuite(SUITE);
    tmp.cleanup();
  });

  it('triaging a finding of a scan not yet in the case records that scan once, then the triage', async () => {
    engineId = app.engines.list().find((e) => e.current)?.id ?? app.engines.list()[0]!.id;
    const scan = await call<{ findings: Array<{ id: string; detector: string; container?: { id: string } }> }>(
      'scan.run',
      { engineId, since: '10m' },
    );
    const mine = scan.findings.find((f) => f.container?.id === containerId);
    expect(mine, 'the netcat shell should give a finding').toBeDefined();
    finding = mine;

    const c = await call<{ id: string; findingCount: number }>('cases.create', { name: 'UI case' });
    expect(c.findingCount).toBe(0);
    const f = await call<{ state: string }>('findings.setState', {
      caseId: c.id,
      findingId: mine!.id,
      state: 'confirmed',
      reason: 'shell on 4445',
    });
    expect(f.state).toBe('confirmed');
    const again = await call<{ scanCount: number; findingCount: number }>('cases.addScan', { caseId: c.id, engineId });
    expect(again.scanCount).toBe(1);
    expect(again.findingCount).toBe(new Set(scan.findings.map((x) => x.id)).size);

    const history = await call<Array<{ to: string; actor: string; reason?: string }>>('findings.history', {
      caseId: c.id,
      findingId: mine!.id,
    });
    expect(history).toEqual([
      expect.objectContaining({ to: 'confirmed', actor: 'ui-analyst', reason: 'shell on 4445' }),
    ]);
    const confirmed = await call<{ total: number }>('findings.list', { caseId: c.id, state: 'confirmed' });
    expect(confirmed.total).toBe(1);
    const custody = await call<Array<{ action: string }>>('custody.list', { caseId: c.id });
    expect(custody.map((x) => x.action)).toEqual(['create', 'scan', 'triage']);

    const containers = await call<Array<{ id: string; hasEvidence: boolean }>>('cases.containers', { caseId: c.id });
    expect(containers.find((x) => x.id === containerId)?.hasEvidence).toBe(true);
    const ev = await call<{
      container: { id: string };
      processes: { host?: { processes: Array<{ cmdline: string }> } };
    }>('cases.containerEvidence', { caseId: c.id, containerId: containerId.slice(0, 12) });
    expect(ev.container.id).toBe(containerId);
  });

  it('reports are generated through the contract and refused for unknown cases with NOT_FOUND', async () => {
    const cur = await call<{ id: string } | null>('cases.current', {});
    const r = await call<{ format: string; text?: string; sha256: string }>('reports.generate', {
      caseId: cur!.id,
      format: 'navigator',
    });
    expect(JSON.parse(r.text!).versions.layer).toBe('4.5');
    const bad = await app.dispatch('reports.generate', { caseId: 'nope', format: 'json' }, ctx);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe('NOT_FOUND');
    const badInput = await app.dispatch('reports.generate', { caseId: cur!.id, format: 'docx' }, ctx);
    expect(!badInput.ok && badInput.error.code).toBe('VALIDATION');
  });

  it("the current case's allowlist applies to the next scan; hidden findings stay in the case, marked", async () => {
    const c = await call<{ id: string }>('cases.create', { name: 'allowlist case' });
    const entry = await call<{ id: string; version: number }>('suppressions.add', {
      caseId: c.id,
      suppression: {
        id: 'lab-shell',
        reason: 'lab container for this test',
        detectors: [finding!.detector],
        match: { container: `sw-case-ops-${process.pid}` },
      },
    });
    expect(entry.version).toBe(1);
    const scan = await call<{ findings: Array<{ id: string }> }>('scan.run', { engineId, since: '10m' });
    expect(scan.findings.map((f) => f.id)).not.toContain(finding!.id);
    await call('cases.addScan', { caseId: c.id, engineId });
    const hidden = await call<{ items: Array<{ id: string; suppressedBy?: string }> }>('findings.list', {
      caseId: c.id,
      state: 'suppressed',
    });
    expect(hidden.items.find((f) => f.id === finding!.id)?.suppressedBy).toContain('lab-shell');
  });
});
