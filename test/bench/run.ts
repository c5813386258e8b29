// Runs every benchmark in this folder, one process each so one cannot skew another's memory or JIT state.
// Run: npm run bench            (all)
//      npm run bench -- scan    (only files whose name contains "scan")
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = import.meta.dirname;
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => /\.bench\.(ts|mts)$/.test(f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n== ${f}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`${f} exited ${r.status ?? r.signal}\n`);
  }
}
process.stdout.write(`\n${files.length - failed}/${files.length} benchmarks ran\n`);
process.exitCode = failed ? 1 : 0;
