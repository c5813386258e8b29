// CLI start: `stowaway --version` and `--help` against a bare `node -e 0`, interleaved so load on the machine
// hits all three alike. Goal: at most 3x. Needs dist/ (npm run build, or node electron/build/build.mjs node).
// Run: node --import tsx test/bench/cli-start.bench.ts
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const CLI = path.resolve(import.meta.dirname, '../../dist/cli.mjs');
const RUNS = Number(process.env.RUNS ?? 15);
const GOAL = 3;
const cases: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'stowaway --version': [CLI, '--version'],
  'stowaway --help': [CLI, '--help'],
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));

for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(cases)) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
    times[name]!.push(performance.now() - t);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times['node -e 0']!);
let over = false;
for (const [name, xs] of Object.entries(times)) {
  const ratio = median(xs) / base;
  if (ratio > GOAL) over = true;
  console.log(
    `${name.padEnd(20)} median ${median(xs).toFixed(0).padStart(5)} ms   ratio ${ratio.toFixed(2)}   (${RUNS} runs)`,
  );
}
console.log(`goal: --version and --help at most ${GOAL}x node -e 0: ${over ? 'MISSED' : 'met'}`);
if (over) process.exitCode = 1;
