import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';

describe('case store crash safety', () => {
  it('keeps every committed write when the writer is killed mid-loop, and the database stays intact', async () => {
    const tmp = tempDataDir();
    try {
      const setup = new CaseService(tmp.dir, 'setup');
      const caseId = setup.create('crash').id;
      setup.dispose();

      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/write-loop.ts'), tmp.dir, caseId],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let acked = 0;
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      await new Promise<void>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (d) => {
          buf += d;
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) acked = Math.max(acked, Number(l));
          if (acked >= 60 && !child.killed) child.kill('SIGKILL');
        });
        // 'close' waits for the pipe to drain, so every line the child printed is counted.
        child.on('close', () => resolve());
        child.on('error', reject);
      });
      expect(acked, stderr).toBeGreaterThanOrEqual(60);

      const cases = new CaseService(tmp.dir, 'after');
      expect(cases.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const notes = cases.notes(caseId).length;
      const scans = cases.scans(caseId).length;
      // Every write acknowledged before the kill is there; at most the one in flight may also be.
      expect(notes + scans).toBeGreaterThanOrEqual(acked);
      expect(notes + scans).toBeLessThanOrEqual(acked + 1);
      expect(scans).toBeGreaterThanOrEqual(Math.floor(acked / 5));
      const v = await cases.verify(caseId);
      expect(v.problems).toEqual([]);
      cases.dispose();
    } finally {
      tmp.cleanup();
    }
  });

  it("leaves either all of a large scan's findings or none, with every index, when killed during a bulk load", async () => {
    const tmp = tempDataDir();
    try {
      const setup = new CaseService(tmp.dir, 'setup');
      const caseId = setup.create('crash').id;
      const indexes = setup.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
      setup.dispose();
      const N = 60_000;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/bulk-scan.ts'), tmp.dir, caseId, String(N)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          // Kill while the rows are being written: the load of 60k rows takes several hundred ms.
          if (out.includes('start') && !child.killed) setTimeout(() => child.kill('SIGKILL'), 150);
        });
        child.on('close', () => resolve());
        child.on('error', reject);
      });
      expect(out, stderr).toContain('start');

      const cases = new CaseService(tmp.dir, 'after');
      expect(cases.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(cases.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all()).toEqual(
        indexes,
      );
      expect(cases.scans(caseId)).toHaveLength(1);
      expect(cases.findings(caseId).total).toBe(out.includes('committed') ? N : 0);
      cases.dispose();
    } finally {
      tmp.cleanup();
    }
  });
});
