// Several engines at once, through the scan service as the CLI and the app use it: two disposable dockerds (own data
// root, exec root, pid file and socket, no bridge, no iptables), each with 20 small service containers, so nobody
// else's containers come and go in what is measured. Each engine scanned alone, then both together, in one run.
// Run: node --import tsx test/bench/scan-engines.bench.ts   (or: npm run bench -- engines)
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EngineEvidenceSchema } from '@shared/domain/evidence-set.js';
import { EngineRegistry } from '../../electron/engine/connections/registry.js';
import { EventBus } from '../../electron/engine/event-bus.js';
import { ScanService, type ScanServiceOptions } from '../../electron/engine/scan/scan-service.js';
import { collectionThreadStats, stopCollectionThreads } from '../../electron/engine/scan/collect-in-worker.js';
import { createLimiter } from '../../electron/engine/collect/limiter.js';
import { runOn, secondEngine } from '../helpers/second-engine.js';

const SUITE = 'bench-engines';
const N = 20;
const TARGET_RATIO = 1.2;
const WORKLOAD =
  'mkdir -p /srv/data; i=0; while [ $i -lt 20 ]; do echo $i > /srv/data/f$i; i=$((i+1)); done; echo "svc:x:100:100::/srv:/bin/false" >> /etc/passwd; exec sleep 36000';

const TICK_MS = 10; // USER_HZ 100

/** CPU time of a daemon and its children (containerd, the shims' short-lived helpers), from /proc. */
function daemonCpuMs(pid: number): number {
  const cpu = (p: number | string) => {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
    } catch {
      return 0;
    }
  };
  let total = cpu(pid);
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    let kids: string[] = [];
    try {
      kids = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    } catch {
      // A thread that ended meanwhile, or a kernel without the children file: its children are not counted.
    }
    for (const k of kids) total += cpu(k);
  }
  return total;
}

async function main() {
  const dds = await Promise.all([secondEngine(), secondEngine()]);
  const bus = new EventBus();
  const engines = new EngineRegistry(bus, { healthIntervalMs: 0, env: {} });
  const names = ['one', 'two'];
  dds.forEach((d, i) =>
    engines.add({
      id: names[i]!,
      name: names[i]!,
      kind: 'docker',
      source: 'cli',
      current: false,
      endpoint: { type: 'unix', socketPath: d.dockerd.socket },
    }),
  );
  const make = createLimiter(4);
  try {
    process.stderr.write(`creating ${N} containers on each engine...\n`);
    await Promise.all(
      dds.flatMap((d) => Array.from({ length: N }, () => make(() => runOn(d.docker, SUITE, ['sh', '-c', WORKLOAD])))),
    );
    await new Promise((r) => setTimeout(r, 1500));
    // A one-off scan, as `stowaway scan` makes it: no incremental basis to reuse.
    const service = (collectThreads: ScanServiceOptions['collectThreads']) =>
      new ScanService(engines, bus, { incremental: false, collectThreads });
    const scanAll = (ids: string[], mode: ScanServiceOptions['collectThreads']) => {
      const s = service(mode);
      return Promise.all(ids.map((id) => s.run(id, '10m')));
    };
    const daemons = dds.map((d) => Number(readFileSync(path.join(d.dockerd.dir, 'docker.pid'), 'utf8')));
    const engineCpu = () => daemons.reduce((a, pid) => a + daemonCpuMs(pid), 0);
    const cpu: Record<string, number[]> = {};
    const time = async (fn: () => Promise<unknown>, name = '') => {
      const t = performance.now();
      const c = process.cpuUsage();
      const e = engineCpu();
      await fn();
      const u = process.cpuUsage(c);
      (cpu[name] ??= []).push((u.user + u.system) / 1000 + engineCpu() - e);
      return performance.now() - t;
    };
    const variants: Record<string, () => Promise<unknown>> = {
      'one alone': () => scanAll(['one'], 'auto'),
      'two alone': () => scanAll(['two'], 'auto'),
      'one alone, on a thread': () => scanAll(['one'], 'always'),
      'two alone, on a thread': () => scanAll(['two'], 'always'),
      'both together': () => scanAll(names, 'auto'),
      'both together, this thread': () => scanAll(names, 'never'),
    };
    for (const fn of Object.values(variants)) await fn(); // warm-up: module loads, JIT, threads started
    const threadsBefore = collectionThreadStats();
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    // Interleaved, best of three each: neighbours' load hits every variant alike.
    for (let k = 0; k < 3; k++)
      for (const [name, fn] of Object.entries(variants)) times[name]!.push(await time(fn, name));
    const best = (name: string) => Math.min(...times[name]!);
    const slowest = Math.max(best('one alone'), best('two alone'));
    const together = best('both together');
    const [evidence] = await scanAll(['one'], 'never').then((outs) => outs.map((o) => o.evidence));
    const validateMs = await time(async () => EngineEvidenceSchema.parse(structuredClone(evidence)));

    const r = (v: number) => `${Math.round(v)} ms`.padStart(8);
    console.log(`containers                     ${N} per engine, 2 engines (disposable dockerds)`);
    console.log(
      `load average (1, 5, 15 min)    ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}, ${os.cpus().length} cores`,
    );
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`${''.padEnd(30)} ${'wall'.padStart(8)} ${'cpu'.padStart(8)}   (cpu: this process and both dockerds)`);
    for (const name of Object.keys(variants))
      console.log(`${name.padEnd(30)} ${r(best(name))} ${r(median(cpu[name]!))}`);
    const cpuFloor = (median(cpu['one alone']!) + median(cpu['two alone']!)) / os.cpus().length;
    console.log(
      `cpu floor of both on ${os.cpus().length} cores    ${r(cpuFloor)}   (their CPU time spread over every core)`,
    );
    console.log(`validating one engine's evidence on return ${r(validateMs)}`);
    console.log(
      `threads started while measured ${collectionThreadStats().started - threadsBefore.started} (idle ones reused)`,
    );
    console.log(`ratio together/slowest alone   ${(together / slowest).toFixed(2)}   (target <= ${TARGET_RATIO})`);
    console.log(
      `ratio together/sum of alone    ${(together / (best('one alone') + best('two alone'))).toFixed(2)}   (1.00 = no overlap at all)`,
    );
    console.log(
      `ratio this thread/slowest      ${(best('both together, this thread') / slowest).toFixed(2)}   (both collected on the main thread)`,
    );
    console.log(
      `ratio alone on thread/alone    ${(Math.max(best('one alone, on a thread'), best('two alone, on a thread')) / slowest).toFixed(2)}   (one engine: a thread or not)`,
    );
  } finally {
    await stopCollectionThreads();
    for (const d of dds) {
      const left = await d.docker.listContainers({ all: true }).catch(() => []);
      await Promise.all(
        left.map((c) =>
          d.docker
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
      await d.dockerd.destroy();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
