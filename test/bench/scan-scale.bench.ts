// Scan speed at scale: 50 running containers, the full collector and detector set, on this machine.
// Measured in one run: the scan, the Engine API floor (inspect + top + changes per container at
// concurrency 8, what any API-only scanner must pay), their ratio, and the scan at 10/25/50 containers.
// Run: node --import tsx test/bench/scan-scale.bench.ts   (or: npm run bench -- scan)
import Docker from 'dockerode';
import { performance } from 'node:perf_hooks';
import { runScan } from '../../electron/engine/scan/run-scan.js';
import { createLimiter } from '../../electron/engine/collect/limiter.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { cliContractAt50 } from './scan-cli-contract.js';

const SUITE = 'bench-scan';
const SIZES = [10, 25, 50];
const TARGET_MS = 3000;
const docker = new Docker({ socketPath: process.env.STOWAWAY_TEST_SOCKET ?? '/var/run/docker.sock' });
const engine = { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: true };

/** Each container looks like a small live service: a few processes, a listener, some changed files. */
const WORKLOAD = 'mkfifo /tmp/f; sleep 36000 > /tmp/f & nc -l -p 8080 < /tmp/f > /dev/null & echo "svc:x:100:100::/srv:/bin/false" >> /etc/passwd; mkdir -p /srv/data; i=0; while [ $i -lt 20 ]; do echo $i > /srv/data/f$i; i=$((i+1)); done; exec sleep 36000';

async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function apiFloor(ids: string[]): Promise<number> {
  const limit = createLimiter(8);
  const { ms } = await timeIt(() =>
    Promise.all(
      ids.map((id) =>
        limit(async () => {
          const c = docker.getContainer(id);
          await c.inspect();
          await c.top();
          await c.changes();
        }),
      ),
    ),
  );
  return ms;
}

async function scan(ids: string[], local: boolean) {
  return timeIt(() => runScan(docker, engine, { local, containerIds: ids, since: '10m' }));
}

async function main() {
  await removeSuite(SUITE);
  const make = createLimiter(4);
  process.stderr.write(`creating ${SIZES.at(-1)} containers...\n`);
  const ids = await Promise.all(
    Array.from({ length: SIZES.at(-1)! }, (_, i) => make(async () => (await runContainer({ suite: SUITE, name: `sw-bench-${process.pid}-${i}`, cmd: ['sh', '-c', WORKLOAD] })).id)),
  );
  await new Promise((r) => setTimeout(r, 1500));
  try {
    await scan(ids.slice(0, 5), true); // warm-up: module JIT, image cache
    const floor = await apiFloor(ids);
    const rows: { n: number; ms: number; findings: number; errors: number }[] = [];
    for (const n of SIZES) {
      const best = [];
      for (let k = 0; k < 2; k++) best.push(await scan(ids.slice(0, n), true));
      const pick = best.sort((a, b) => a.ms - b.ms)[0]!;
      rows.push({ n, ms: pick.ms, findings: pick.value.result.findings.length, errors: pick.value.result.errors.length });
    }
    const apiOnly = await scan(ids, false);
    const full = rows.at(-1)!;
    const r = (x: number) => Math.round(x);
    console.log(`containers            ${full.n}`);
    console.log(`scan (host reads)     ${r(full.ms)} ms   findings ${full.findings}, errors ${full.errors}`);
    console.log(`scan (API only)       ${r(apiOnly.ms)} ms`);
    console.log(`API floor             ${r(floor)} ms   (inspect + top + changes, concurrency 8)`);
    console.log(`ratio scan/floor      ${(full.ms / floor).toFixed(2)}`);
    console.log(`ratio scan/target     ${(full.ms / TARGET_MS).toFixed(2)}   (target ${TARGET_MS} ms for 50)`);
    console.log(`ratio API-only/floor  ${(apiOnly.ms / floor).toFixed(2)}`);
    for (const row of rows) console.log(`n=${String(row.n).padEnd(3)} ${String(r(row.ms)).padStart(6)} ms   ${(row.ms / row.n).toFixed(1)} ms/container`);
    const first = rows[0]!;
    console.log(`linearity             ${(full.ms / full.n / (first.ms / first.n)).toFixed(2)}   (per-container time at ${full.n} / at ${first.n}; 1.00 = linear)`);
    const cli = await cliContractAt50(ids);
    console.log(`CLI json contract     ${cli.ok ? 'ok' : 'FAILED'}   exit ${cli.exitCode}, ${cli.containers} containers (${cli.ours}/${ids.length} of ours), ${cli.findings} findings, ${r(cli.ms)} ms${cli.problem ? `: ${cli.problem}` : ''}`);
    console.log(`ratio CLI/in-process  ${(cli.ms / full.ms).toFixed(2)}   (whole-engine CLI scan incl. process start / in-process scan of the 50)`);
    if (!cli.ok) process.exitCode = 1;
  } finally {
    await removeSuite(SUITE);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
