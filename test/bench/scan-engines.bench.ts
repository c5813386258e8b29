// Several engines at once: the shared dockerd and a second, disposable one (own data root, exec root, pid file and
// socket, no bridge, no iptables), each with 20 small service containers. Scanned alone, then together, in one run.
// Run: node --import tsx test/bench/scan-engines.bench.ts   (or: npm run bench -- engines)
import Docker from 'dockerode';
import { performance } from 'node:perf_hooks';
import { runScan } from '../../electron/engine/scan/run-scan.js';
import { createLimiter } from '../../electron/engine/collect/limiter.js';
import { removeSuite, runContainer } from '../helpers/docker.js';
import { runOn, secondEngine } from '../helpers/second-engine.js';

const SUITE = 'bench-engines';
const N = 20;
const TARGET_RATIO = 1.2;
const WORKLOAD =
  'mkdir -p /srv/data; i=0; while [ $i -lt 20 ]; do echo $i > /srv/data/f$i; i=$((i+1)); done; echo "svc:x:100:100::/srv:/bin/false" >> /etc/passwd; exec sleep 36000';

async function main() {
  await removeSuite(SUITE);
  const second = await secondEngine();
  const main = new Docker({ socketPath: process.env.STOWAWAY_TEST_SOCKET ?? '/var/run/docker.sock' });
  const make = createLimiter(4);
  try {
    process.stderr.write(`creating ${N} containers on each engine...\n`);
    const mainIds = await Promise.all(
      Array.from({ length: N }, () =>
        make(async () => (await runContainer({ suite: SUITE, cmd: ['sh', '-c', WORKLOAD] })).id),
      ),
    );
    await Promise.all(Array.from({ length: N }, () => make(() => runOn(second.docker, SUITE, ['sh', '-c', WORKLOAD]))));
    await new Promise((r) => setTimeout(r, 1500));
    // The shared engine also runs other people's containers: only ours are scanned there; the second engine is all ours.
    const engines = [
      {
        run: () =>
          runScan(
            main,
            { id: 'main', name: 'main', endpoint: 'unix:///var/run/docker.sock', local: true },
            { local: true, since: '10m', containerIds: mainIds },
          ),
      },
      {
        run: () =>
          runScan(
            second.docker,
            { id: 'second', name: 'second', endpoint: `unix://${second.dockerd.socket}`, local: true },
            { local: true, since: '10m' },
          ),
      },
    ];
    const time = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    await Promise.all(engines.map((e) => e.run())); // warm-up
    const alone: number[][] = [[], []];
    const together: number[] = [];
    // Interleaved, best of three each: neighbours' load hits every variant alike.
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < engines.length; i++) alone[i]!.push(await time(engines[i]!.run));
      together.push(await time(() => Promise.all(engines.map((e) => e.run()))));
    }
    const best = (xs: number[]) => Math.min(...xs);
    const slowest = Math.max(...alone.map(best));
    const r = (v: number) => Math.round(v);
    console.log(`containers                 ${N} per engine, 2 engines`);
    console.log(`main alone                 ${r(best(alone[0]!))} ms`);
    console.log(`second alone               ${r(best(alone[1]!))} ms`);
    console.log(`both together              ${r(best(together))} ms`);
    console.log(`ratio together/slowest     ${(best(together) / slowest).toFixed(2)}   (target <= ${TARGET_RATIO})`);
    console.log(
      `ratio together/sum         ${(best(together) / alone.map(best).reduce((a, b) => a + b, 0)).toFixed(2)}   (1.00 = no overlap at all)`,
    );
  } finally {
    await removeSuite(SUITE);
    const left = await second.docker.listContainers({ all: true });
    await Promise.all(
      left.map((c) =>
        second.docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    await second.dockerd.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
