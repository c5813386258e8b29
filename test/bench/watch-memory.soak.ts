// Memory of the backend with 200 containers and the live stream on: the app's engine registry, live event stream and
// incremental rescans (as `serve` and `scan --watch` run them) against a disposable dockerd, while a churn loop
// execs into containers (events) and drops and removes files (changes). Prints RSS over time and the peak.
// Not part of `npm run bench` (it runs for minutes). Run: node --import tsx test/bench/watch-memory.soak.ts [minutes] [containers]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../electron/engine/app.js';
import { resolveTarget } from '../../electron/engine/connections/resolve-target.js';
import { ScanWatch } from '../../electron/cli/scan-watch.js';
import { createLimiter } from '../../electron/engine/collect/limiter.js';
import { runOn, secondEngine } from '../helpers/second-engine.js';

const MINUTES = Number(process.argv[2] ?? 10);
const N = Number(process.argv[3] ?? 200);
const TARGET_MB = 300;
const SUITE = 'soak-memory';
const mb = (b: number) => Math.round(b / 1048576);

async function main() {
  const second = await secondEngine();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-soak-'));
  const app = createApp({ dataDir, env: { ...process.env, STOWAWAY_DATA_DIR: dataDir } });
  try {
    const make = createLimiter(4);
    process.stderr.write(`creating ${N} containers...\n`);
    const ids = await Promise.all(
      Array.from({ length: N }, () =>
        make(
          async () =>
            (await runOn(second.docker, SUITE, ['sh', '-c', 'mkdir -p /srv; echo x > /srv/a; exec sleep 36000'])).id,
        ),
      ),
    );
    const target = await resolveTarget({ host: `unix://${second.dockerd.socket}` });
    app.engines.add(target);
    await app.engines.connect(target.id);
    let rescans = 0;
    let changes = 0;
    let lastMs = 0;
    const watch = new ScanWatch({
      engineIds: [target.id],
      bus: app.bus,
      intervalMs: 10_000,
      scan: async (id, _first, signal) => {
        const t = Date.now();
        const { result: r } = await app.scans.run(id, '1h', { signal });
        lastMs = Date.now() - t;
        rescans++;
        return r;
      },
      onChange: () => void changes++,
      onError: (_id, e) => process.stderr.write(`rescan error: ${(e as Error).message}\n`),
    });
    const t0 = Date.now();
    await watch.start();
    process.stderr.write(`opening scan done in ${lastMs} ms; watching for ${MINUTES} min\n`);
    // Churn: every 2 s one container gets an exec that drops or removes a hidden file (engine events and a changed upper dir).
    let k = 0;
    const churn = setInterval(() => {
      const id = ids[k++ % ids.length]!;
      const cmd = k % 2 ? ['cp', '/bin/busybox', '/tmp/.kworker'] : ['rm', '-f', '/tmp/.kworker'];
      void second.docker
        .getContainer(id)
        .exec({ Cmd: cmd })
        .then((x) => x.start({ Detach: true }))
        .catch(() => undefined);
    }, 2000);
    let peak = 0;
    const samples: number[] = [];
    while (Date.now() - t0 < MINUTES * 60_000) {
      await new Promise((r) => setTimeout(r, 15_000));
      const rss = process.memoryUsage().rss;
      peak = Math.max(peak, rss);
      samples.push(rss);
      console.log(
        `t=${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s  rss ${mb(rss)} MB  heap ${mb(process.memoryUsage().heapUsed)} MB  rescans ${rescans}  changes ${changes}  last rescan ${lastMs} ms`,
      );
    }
    clearInterval(churn);
    await watch.stop();
    const firstMin = samples.slice(0, 4);
    console.log(`containers                 ${N}`);
    console.log(`duration                   ${MINUTES} min, ${rescans} rescans, ${changes} new/resolved lines`);
    console.log(`peak RSS                   ${mb(peak)} MB`);
    console.log(`RSS growth after minute 1  ${mb(samples.at(-1)! - Math.max(...firstMin))} MB`);
    console.log(`ratio peak/target          ${(mb(peak) / TARGET_MB).toFixed(2)}   (target < ${TARGET_MB} MB)`);
  } finally {
    await app.dispose();
    const left = await second.docker.listContainers({ all: true });
    const rm = createLimiter(8);
    await Promise.all(
      left.map((c) =>
        rm(() =>
          second.docker
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      ),
    );
    await second.dockerd.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
