// Case store at scale: 100,000 findings inserted and queried in a real SQLite file.
// Run: node --import tsx test/bench/cases-store.bench.ts   (prints times and their ratio to the 1 s budget)
import { performance } from 'node:perf_hooks';
import { CaseService } from '../../electron/engine/cases/case-service.js';
import { makeFindings, makeScan, tempDataDir } from '../helpers/case-fixtures.js';

const N = 100_000;
const BUDGET_MS = 1000;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

const tmp = tempDataDir('stowaway-bench-');
const cases = new CaseService(tmp.dir, 'bench');
try {
  const c = cases.create('bench');
  const findings = makeFindings(N);
  const scan = makeScan(findings.slice(0, 50));
  const scanId = cases.addScan(c.id, { ...scan, findings: [] });

  let cpu = process.cpuUsage();
  let t = performance.now();
  cases.upsertFindings(c.id, scanId, findings);
  const insertMs = performance.now() - t;
  const insertCpu = cpuMs(cpu);

  cpu = process.cpuUsage();
  t = performance.now();
  const page = cases.findings(c.id, { limit: 1000 });
  const crit = cases.findings(c.id, { severity: 'critical', limit: 1000 });
  const byContainer = cases.findings(c.id, { containerId: findings[7]!.container!.id, limit: 1000 });
  const newOnes = cases.findings(c.id, { state: 'new', limit: 1000, offset: 50_000 });
  const queryMs = performance.now() - t;
  const queryCpu = cpuMs(cpu);

  t = performance.now();
  const all = cases.allFindings(c.id);
  const allMs = performance.now() - t;

  if (page.total !== N || all.length !== N || crit.total !== N / 4 || byContainer.total !== N / 50 || newOnes.items.length !== 1000) throw new Error('unexpected query results');
  const row = (label: string, ms: number, budget = BUDGET_MS) => console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms   ratio to ${budget} ms budget: ${(ms / budget).toFixed(3)}`);
  console.log(`case store, ${N.toLocaleString('en')} findings, SQLite WAL synchronous=FULL`);
  row('insert 100k findings (one transaction)', insertMs);
  row('4 filtered queries (page, severity, container, offset)', queryMs);
  row('read all 100k findings back', allMs);
  row('insert + queries (wall clock)', insertMs + queryMs);
  // On a shared, loaded machine wall time includes waiting for a core; CPU time is what the work costs.
  row('insert + queries (CPU time of this process)', insertCpu + queryCpu);
} finally {
  cases.dispose();
  tmp.cleanup();
}
