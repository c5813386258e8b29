// Memory of the backend with 200 containers and the live stream on: `stowaway serve` (the built dist/cli.mjs, the
// process a user runs) with a disposable dockerd connected, its live event stream and event-driven rescans, and a
// client doing what the UI does: attached to the push socket, reloading the latest scan after each rescan, and asking
// for a rescan every 10 s. A churn loop execs into containers (events) and drops and removes files (changes).
// RSS is read from the server's /proc/PID/status: samples over time, and VmHWM, the kernel's own peak, which no
// sampling interval can miss. This process (dockerd setup, churn, the client) is not counted.
// Not part of `npm run bench` (it runs for minutes). Needs `node electron/build/build.mjs node` first.
// Run: node --import tsx test/bench/watch-memory.soak.ts [minutes] [containers]
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { createLimiter } from '../../electron/engine/collect/limiter.js';
import { runOn, secondEngine } from '../helpers/second-engine.js';
import { CLI, startServe } from '../helpers/cli.js';

const MINUTES = Number(process.argv[2] ?? 10);
const N = Number(process.argv[3] ?? 200);
const TARGET_MB = 300;
const SUITE = 'soak-memory';
const mb = (kb: number) => Math.round(kb / 1024);

/** VmRSS and VmHWM of a process, in kB. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node electron/build/build.mjs node\` first`);
  const second = await secondEngine();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-soak-'));
  const serve = startServe([], { STOWAWAY_DATA_DIR: dataDir, HOME: dataDir });
  let ws: WebSocket | undefined;
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
    const url = new URL(await serve.url);
    const token = url.searchParams.get('token')!;
    const pid = serve.child.pid!;
    const call = async <T>(op: string, input: unknown): Promise<T> => {
      const res = await fetch(`${url.origin}/api/${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input),
      });
      const env = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
      if (!env.ok) throw new Error(`${op}: ${env.error?.message}`);
      return env.value as T;
    };
    const { engine } = await call<{ engine: { id: string } }>('engines.resolve', {
      host: `unix://${second.dockerd.socket}`,
    });
    await call('engines.connect', { engineId: engine.id });

    // The UI: attached to the pushes, and reloading the latest scan whenever one is done.
    let rescans = 0;
    let events = 0;
    let reloads = 0;
    ws = new WebSocket(`${url.origin.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => ws!.once('open', resolve).once('error', reject));
    ws.on('message', (data) => {
      const { event, payload } = JSON.parse(String(data)) as { event: string; payload: { phase?: string } };
      if (event === 'engine.event') events++;
      if (event === 'scan.progress' && payload.phase === 'done') {
        rescans++;
        void call('scan.latest', { engineId: engine.id }).then(
          () => reloads++,
          () => undefined,
        );
      }
    });
    const t0 = Date.now();
    await call('scan.run', { engineId: engine.id, since: '1h' });
    process.stderr.write(`opening scan done in ${Date.now() - t0} ms; watching for ${MINUTES} min\n`);
    const start = Date.now();
    let stopping = false;
    // Files written by a process raise no engine event: the client asks for a rescan every 10 s as well.
    const ticker = setInterval(
      () =>
        void call('scan.run', { engineId: engine.id, since: '1h' }).catch((e) => {
          // A rescan cut off by the server stopping at the end is no failure.
          if (!stopping) console.error(String(e));
        }),
      10_000,
    );
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
    const samples: number[] = [];
    while (Date.now() - start < MINUTES * 60_000) {
      await new Promise((r) => setTimeout(r, 5_000));
      const m = memoryOf(pid);
      samples.push(m.rss);
      if (samples.length % 3 === 0)
        console.log(
          `t=${String(Math.round((Date.now() - start) / 1000)).padStart(4)} s  rss ${mb(m.rss)} MB  peak so far ${mb(m.hwm)} MB  rescans ${rescans}  events ${events}  reloads ${reloads}`,
        );
    }
    stopping = true;
    clearInterval(churn);
    clearInterval(ticker);
    const { hwm } = memoryOf(pid);
    const afterMinute1 = samples.slice(12);
    const firstMin = samples.slice(0, 12);
    console.log(`containers                 ${N}`);
    console.log(`duration                   ${MINUTES} min, ${rescans} rescans, ${events} live events`);
    console.log(`peak RSS (VmHWM)           ${mb(hwm)} MB`);
    console.log(`highest 5 s sample         ${mb(Math.max(...samples))} MB`);
    if (afterMinute1.length)
      console.log(`RSS growth after minute 1  ${mb(afterMinute1.at(-1)! - Math.max(...firstMin))} MB`);
    console.log(
      `load average (1, 5, 15)    ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`ratio peak/target          ${(mb(hwm) / TARGET_MB).toFixed(2)}   (target < ${TARGET_MB} MB)`);
  } finally {
    ws?.close();
    await serve.stop();
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
