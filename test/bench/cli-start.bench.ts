// CLI start: `stowaway --version` and `--help` against a bare `node -e 0`, interleaved so load on the machine
// hits all alike. Goal: at most 3x. Also prints `stowaway detectors --format json`, a command that builds the
// engine in process: its CPU time shows what the engine costs to load (the Docker, ssh and Kubernetes clients
// should not be among it). Needs dist/ (npm run build, or node electron/build/build.mjs node).
// Run: node --import tsx test/bench/cli-start.bench.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const CLI = path.resolve(import.meta.dirname, '../../dist/cli.mjs');
const RUNS = Number(process.env.RUNS ?? 15);
const GOAL = 3;
const cases: Record<string, { args: string[]; goal: boolean }> = {
  'node -e 0': { args: ['-e', '0'], goal: false },
  'stowaway --version': { args: [CLI, '--version'], goal: true },
  'stowaway --help': { args: [CLI, '--help'], goal: true },
  'stowaway detectors': { args: [CLI, 'detectors', '--format', 'json'], goal: false },
};
const wall: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));

/** CPU time (user + system, ms) of the children this process has waited for: Linux /proc, ticks of 10 ms. */
function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat (cutime, cstime), counted from the state field, which is field 3.
  return (Number(f[13]) + Number(f[14])) * 10;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'stowaway-bench-cli-'));
const env = { ...process.env, STOWAWAY_DATA_DIR: dataDir };
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [name, { args }] of Object.entries(cases)) {
      const c = childCpuMs();
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { stdio: 'ignore', env });
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}`);
      wall[name]!.push(performance.now() - t);
      cpu[name]!.push(childCpuMs() - c);
    }
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(wall['node -e 0']!);
const baseCpu = median(cpu['node -e 0']!);
let over = false;
for (const [name, xs] of Object.entries(wall)) {
  const ratio = median(xs) / base;
  if (cases[name]!.goal && ratio > GOAL) over = true;
  const c = median(cpu[name]!);
  console.log(
    `${name.padEnd(20)} median ${median(xs).toFixed(0).padStart(5)} ms   ratio ${ratio.toFixed(2)}   ` +
      `cpu ${c.toFixed(0).padStart(5)} ms (${(c / Math.max(baseCpu, 10)).toFixed(1)}x)   (${RUNS} runs)`,
  );
}
console.log(`goal: --version and --help at most ${GOAL}x node -e 0: ${over ? 'MISSED' : 'met'}`);
if (over) process.exitCode = 1;
