// Scan speed at scale, on one disposable dockerd of our own (own data root and sockets, TLS on a loopback port)
// reached three ways: its unix socket (local, host-side reads), tcp+TLS, and ssh through a real OpenSSH server with
// the stock MaxSessions (10) whose sessions' `docker` reaches that same daemon. Measured in one run, interleaved,
// best of BENCH_REPEAT (default 3) per variant so neighbours' load hits every variant alike:
//   - local scan against the host-read floor (a batched inspect, an lstat of every upper-dir entry, the /proc
//     reads of every container process and the engine's hosts and resolv.conf for it) at 10, 50 and 200 containers: the engine grows to each size in turn and
//     is scanned whole, after one warm-up scan of the grown engine (a running app's steady state), best of at
//     least 5;
//   - the TLS and ssh scans of 50 against the Engine API floor on the same transport (inspect + top + changes per
//     container at concurrency 8, plus (TLS only: scans skip them over ssh) a stat of /etc/hostname, /etc/hosts and
//     /etc/resolv.conf (bind mounts the engine writes, in no diff) and an archive read of each critical file a
//     container's diff changed; TLS also
//     against the floor without those reads), ssh against TLS, ssh channel errors, and ssh's containers against the
//     socket's;
//   - docker-bench-security's container-runtime section when DOCKER_BENCH_DIR names a checkout.
// Prints one table and writes test/bench/results/scan-scale.json; `npx tsx test/bench/scan-scale-readme.ts`
// puts that JSON into the README's table and chart.
// Run: node --import tsx test/bench/scan-scale.bench.ts   (or: npm run bench -- scan-scale)
//      BENCH_SIZES=10,50 BENCH_REPEAT=2 for a shorter run.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type Docker from 'dockerode';
import { runScan } from '../../electron/engine/scan/run-scan.js';
import { createLimiter } from '../../electron/engine/collect/limiter.js';
import { isCriticalPath } from '../../electron/engine/collect/critical-files.js';
import { createDockerClient } from '../../electron/engine/docker/client.js';
import { createSshDockerClient } from '../../electron/engine/ssh/ssh-docker.js';
import { makeCerts } from '../helpers/certs.js';
import { freePort } from '../helpers/ports.js';
import { startSshd } from '../helpers/sshd.js';
import { runOn, secondEngine } from '../helpers/second-engine.js';
import { cliContract } from './scan-cli-contract.js';

const SUITE = 'bench-scan-scale';
const SIZES = (process.env.BENCH_SIZES ?? '10,50,200').split(',').map(Number);
const REMOTE_N = 50;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
// Local scans take well under a second: more runs cost little and steady the best of them against neighbours' load.
const LOCAL_REPEAT = Math.max(REPEAT, 5);
const LOCAL_WARMUP = 5;
const GOALS = { localPerFloor: 2, apiPerFloor: 1.1, sshPerTls: 1.3 };
export const RESULTS = path.join(import.meta.dirname, 'results', 'scan-scale.json');

/** Each container looks like a small live service: a few processes, a listener, some changed files. */
const WORKLOAD =
  'mkfifo /tmp/f; sleep 36000 > /tmp/f & nc -l -p 8080 < /tmp/f > /dev/null & echo "svc:x:100:100::/srv:/bin/false" >> /etc/passwd; mkdir -p /srv/data; i=0; while [ $i -lt 20 ]; do echo $i > /srv/data/f$i; i=$((i+1)); done; exec sleep 36000';

const time = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
};

/**
 * What any Engine API scanner pays: inspect, then top and changes, per container at concurrency 8. With `reads`,
 * also one archive read of each critical file the container's diff shows changed: a scanner that checks those
 * files must read them, and through the API each read is a call of its own (the daemon starts a tar process for it).
 */
async function apiFloor(docker: Docker, ids: string[], reads = false, engineFiles = reads): Promise<number> {
  const limit = createLimiter(8);
  const drain = async (s: NodeJS.ReadableStream) => {
    for await (const _ of s);
  };
  return (
    await time(() =>
      Promise.all(
        ids.map((id) =>
          limit(async () => {
            const c = docker.getContainer(id);
            await c.inspect();
            await c.top();
            const changes = ((await c.changes()) ?? []) as Array<{ Path: string; Kind: number }>;
            if (!reads) return;
            // The files the engine bind-mounts over the container's own are in no diff: a stat of each (and of
            // /etc/hostname, written with them) tells whether they were rewritten since. Scans skip them over ssh.
            if (engineFiles)
              await Promise.all(
                ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'].map(async (p) =>
                  ((await c.infoArchive({ path: p })) as unknown as { destroy(): void }).destroy(),
                ),
              );
            for (const ch of changes)
              if (ch.Kind !== 2 && isCriticalPath(ch.Path)) await drain(await c.getArchive({ path: ch.Path }));
          }),
        ),
      ),
    )
  ).ms;
}

/** The physical minimum of a host-side scan: inspects, the upper dirs' entries, the container processes' /proc files. */
async function hostReadFloor(docker: Docker, ids: string[]): Promise<number> {
  const limit = createLimiter(8);
  const quiet = <T>(p: Promise<T>) => p.catch(() => null);
  const walk = async (dir: string): Promise<void> => {
    const names = (await quiet(readdir(dir))) ?? [];
    await Promise.all(
      names.map(async (n) => {
        const st = await quiet(lstat(path.join(dir, n)));
        if (st?.isDirectory()) await walk(path.join(dir, n));
      }),
    );
  };
  const children = async (pid: number): Promise<number[]> => {
    const kids = ((await quiet(readFile(`/proc/${pid}/task/${pid}/children`, 'utf8'))) ?? '')
      .split(' ')
      .filter(Boolean)
      .map(Number);
    return [pid, ...(await Promise.all(kids.map(children))).flat()];
  };
  const readProc = async (pid: number) => {
    const fds = (await quiet(readdir(`/proc/${pid}/fd`))) ?? [];
    await Promise.all([
      ...['stat', 'cmdline', 'status'].map((f) => quiet(readFile(`/proc/${pid}/${f}`))),
      ...fds.map((fd) => quiet(readlink(`/proc/${pid}/fd/${fd}`))),
    ]);
  };
  return (
    await time(async () => {
      const infos = await Promise.all(ids.map((id) => limit(() => docker.getContainer(id).inspect())));
      await Promise.all(
        infos.map(async (info) => {
          const pid = info.State?.Pid ?? 0;
          const upper = (info.GraphDriver?.Data as Record<string, string> | undefined)?.UpperDir;
          await Promise.all([
            upper ? walk(upper) : undefined,
            pid > 0 ? children(pid).then((pids) => Promise.all(pids.map(readProc))) : undefined,
            pid > 0 ? quiet(readFile(`/proc/${pid}/net/tcp`)) : undefined,
            pid > 0 ? quiet(readFile(`/proc/${pid}/mountinfo`)) : undefined,
            quiet(readFile(info.HostsPath)),
            quiet(readFile(info.ResolvConfPath)),
          ]);
        }),
      );
    })
  ).ms;
}

interface Variant {
  name: string;
  run: () => Promise<{ ms: number; extra?: Record<string, unknown> }>;
}

/** Runs every variant REPEAT times, interleaved, and keeps each one's best time and its first run's details. */
async function interleaved(
  variants: Variant[],
  repeat = REPEAT,
): Promise<Map<string, { ms: number; runs: number[]; extra?: Record<string, unknown> }>> {
  const out = new Map<string, { ms: number; runs: number[]; extra?: Record<string, unknown> }>();
  for (let k = 0; k < repeat; k++) {
    for (const v of variants) {
      const r = await v.run();
      const prev = out.get(v.name);
      out.set(v.name, {
        ms: Math.min(prev?.ms ?? Infinity, r.ms),
        runs: [...(prev?.runs ?? []), Math.round(r.ms)],
        extra: prev?.extra ?? r.extra,
      });
      process.stderr.write(`  ${v.name}: ${Math.round(r.ms)} ms\n`);
    }
  }
  return out;
}

function dockerBench(socket: string): Promise<number | undefined> {
  const dir = process.env.DOCKER_BENCH_DIR;
  if (!dir || !existsSync(path.join(dir, 'docker-bench-security.sh'))) return Promise.resolve(undefined);
  const t = performance.now();
  return new Promise((resolve) =>
    execFile(
      'sh',
      ['docker-bench-security.sh', '-c', 'container_runtime'],
      {
        cwd: dir,
        env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 600_000,
      },
      () => resolve(performance.now() - t),
    ),
  );
}

async function main() {
  const certs = makeCerts();
  const tlsPort = await freePort();
  process.stderr.write('starting a disposable dockerd with TLS, and sshd (stock MaxSessions)...\n');
  const engine = await secondEngine({
    tls: { port: tlsPort, ca: path.join(certs.dir, 'ca.pem'), cert: certs.serverCert, key: certs.serverKey },
  });
  const sshd = await startSshd({ maxSessions: 'stock', env: { DOCKER_HOST: `unix://${engine.dockerd.socket}` } });
  const local = createDockerClient({ type: 'unix', socketPath: engine.dockerd.socket });
  const tls = createDockerClient({
    type: 'tcp',
    host: '127.0.0.1',
    port: tlsPort,
    allowInsecure: false,
    tls: {
      caPath: path.join(certs.dir, 'ca.pem'),
      certPath: path.join(certs.dir, 'cert.pem'),
      keyPath: path.join(certs.dir, 'key.pem'),
      verify: true,
    },
  });
  const ssh = createSshDockerClient(
    { type: 'ssh', host: '127.0.0.1', port: sshd.port, user: 'root' },
    { env: {}, home: sshd.home, timeoutMs: 15_000 },
  );
  const engines = {
    local: { id: 'local', name: 'local', endpoint: `unix://${engine.dockerd.socket}`, local: true },
    tls: { id: 'tls', name: 'tls', endpoint: `tcp://127.0.0.1:${tlsPort}`, local: false },
    ssh: { id: 'ssh', name: 'ssh', endpoint: `ssh://root@127.0.0.1:${sshd.port}`, local: false },
  };
  try {
    // The engine grows in stages, and each stage is scanned whole, as a user scans an engine: a scan of 10 runs on
    // an engine of 10 containers, not on 10 picked out of 200 (whose list and event history it would also read).
    const stages = [...new Set([...SIZES, REMOTE_N])].sort((a, b) => a - b);
    const max = stages[stages.length - 1]!;
    const make = createLimiter(4);
    const ids: string[] = [];
    const grow = async (n: number) => {
      process.stderr.write(`growing the engine to ${n} containers...\n`);
      ids.push(
        ...(await Promise.all(
          Array.from({ length: n - ids.length }, () =>
            make(async () => (await runOn(engine.docker, SUITE, ['sh', '-c', WORKLOAD])).id),
          ),
        )),
      );
      await new Promise((r) => setTimeout(r, 2000));
    };
    const scanOf = (docker: Docker, e: (typeof engines)[keyof typeof engines]) => async () => {
      const r = await time(() => runScan(docker, e, { local: e.id === 'local', since: '10m' }));
      const res = r.value.result;
      return {
        ms: r.ms,
        extra: {
          containers: res.containers.map((c) => c.id).sort(),
          findings: res.findings.length,
          errors: res.errors.length,
          channelErrors: res.errors.filter((x) => /channel open|open failed/i.test(x.message)).length,
          errorSample: [...new Set(res.errors.map((x) => `${x.call}: ${x.message.slice(0, 160)}`))].slice(0, 5),
        },
      };
    };

    const localRows = [];
    let m = new Map<string, { ms: number; runs: number[]; extra?: Record<string, unknown> }>();
    for (const n of stages) {
      await grow(n);
      if (n === stages[0]) {
        // Warm-up, as a running app is after its first scans: JIT (a process's first few scans run unoptimised code
        // on three threads), reader threads, the image cache, the ssh connection and its channels. Scan and floor
        // alike.
        for (let k = 0; k < LOCAL_WARMUP; k++) {
          await scanOf(local, engines.local)();
          await hostReadFloor(local, ids);
        }
        await scanOf(tls, engines.tls)();
        await scanOf(ssh.docker, engines.ssh)();
      }
      if (SIZES.includes(n)) {
        process.stderr.write(`local, ${n} containers\n`);
        // The containers this stage added are read once before it is measured, as the running app reads a
        // container when it appears. Scan and floor alike.
        if (n !== stages[0]) {
          await scanOf(local, engines.local)();
          await hostReadFloor(local, ids);
        }
        const lm = await interleaved(
          [
            { name: 'scan', run: scanOf(local, engines.local) },
            { name: 'floor', run: async () => ({ ms: await hostReadFloor(local, ids) }) },
          ],
          LOCAL_REPEAT,
        );
        const scan = lm.get('scan')!;
        const floor = lm.get('floor')!;
        localRows.push({
          n,
          scanMs: Math.round(scan.ms),
          floorMs: Math.round(floor.ms),
          ratio: +(scan.ms / floor.ms).toFixed(2),
          runs: scan.runs,
          floorRuns: floor.runs,
          findings: scan.extra!.findings,
          errors: scan.extra!.errors,
        });
      }
      if (n === REMOTE_N) {
        process.stderr.write(`remote, ${REMOTE_N} containers\n`);
        m = await interleaved([
          { name: 'local', run: scanOf(local, engines.local) },
          { name: 'tls', run: scanOf(tls, engines.tls) },
          { name: 'tls floor', run: async () => ({ ms: await apiFloor(tls, ids, true) }) },
          { name: 'tls bare floor', run: async () => ({ ms: await apiFloor(tls, ids) }) },
          { name: 'ssh', run: scanOf(ssh.docker, engines.ssh) },
          { name: 'ssh floor', run: async () => ({ ms: await apiFloor(ssh.docker, ids, true, false) }) },
        ]);
      }
    }
    const get = (k: string) => m.get(k)!;
    const sameAsLocal = JSON.stringify(get('ssh').extra!.containers) === JSON.stringify(get('local').extra!.containers);
    const bench = await dockerBench(engine.dockerd.socket);
    const cli = await cliContract(['--host', `unix://${engine.dockerd.socket}`], ids);

    const remote = {
      n: REMOTE_N,
      localMs: Math.round(get('local').ms),
      tls: {
        scanMs: Math.round(get('tls').ms),
        floorMs: Math.round(get('tls floor').ms),
        ratio: +(get('tls').ms / get('tls floor').ms).toFixed(2),
        bareFloorMs: Math.round(get('tls bare floor').ms),
        perBareFloor: +(get('tls').ms / get('tls bare floor').ms).toFixed(2),
        runs: get('tls').runs,
        errors: get('tls').extra!.errors,
        errorSample: get('tls').extra!.errorSample,
      },
      ssh: {
        scanMs: Math.round(get('ssh').ms),
        floorMs: Math.round(get('ssh floor').ms),
        ratio: +(get('ssh').ms / get('ssh floor').ms).toFixed(2),
        perTls: +(get('ssh').ms / get('tls').ms).toFixed(2),
        runs: get('ssh').runs,
        errors: get('ssh').extra!.errors,
        channelErrors: get('ssh').extra!.channelErrors,
        errorSample: get('ssh').extra!.errorSample,
        sameContainersAsLocal: sameAsLocal,
      },
      dockerBenchMs: bench === undefined ? null : Math.round(bench),
    };
    const holds = {
      local: localRows.every((r) => r.ratio <= GOALS.localPerFloor),
      tls: remote.tls.ratio <= GOALS.apiPerFloor,
      ssh:
        remote.ssh.ratio <= GOALS.apiPerFloor &&
        remote.ssh.perTls <= GOALS.sshPerTls &&
        remote.ssh.channelErrors === 0 &&
        sameAsLocal,
    };
    const doc = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, loadavg: os.loadavg().map((x) => +x.toFixed(1)) },
      repeat: REPEAT,
      localRepeat: LOCAL_REPEAT,
      goals: GOALS,
      local: localRows,
      remote,
      cli,
      holds,
    };
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(doc, null, 2) + '\n');

    const row = (...cells: (string | number)[]) =>
      console.log(cells.map((c, i) => String(c).padEnd(i === 0 ? 30 : 12)).join(''));
    row('measurement', 'containers', 'ms', 'floor ms', 'ratio', 'goal');
    for (const r of localRows)
      row('local scan / host-read floor', r.n, r.scanMs, r.floorMs, r.ratio.toFixed(2), `<= ${GOALS.localPerFloor}`);
    row(
      'TLS scan / TLS API floor',
      REMOTE_N,
      remote.tls.scanMs,
      remote.tls.floorMs,
      remote.tls.ratio.toFixed(2),
      `<= ${GOALS.apiPerFloor}`,
    );
    row(
      'TLS scan / inspect+top+changes',
      REMOTE_N,
      remote.tls.scanMs,
      remote.tls.bareFloorMs,
      remote.tls.perBareFloor.toFixed(2),
      '',
    );
    row(
      'ssh scan / ssh API floor',
      REMOTE_N,
      remote.ssh.scanMs,
      remote.ssh.floorMs,
      remote.ssh.ratio.toFixed(2),
      `<= ${GOALS.apiPerFloor}`,
    );
    row(
      'ssh scan / TLS scan',
      REMOTE_N,
      remote.ssh.scanMs,
      remote.tls.scanMs,
      remote.ssh.perTls.toFixed(2),
      `<= ${GOALS.sshPerTls}`,
    );
    row('ssh channel errors', REMOTE_N, String(remote.ssh.channelErrors), '', '', '0');
    row('ssh containers = socket', REMOTE_N, sameAsLocal ? 'yes' : 'NO', '', '', 'yes');
    if (remote.dockerBenchMs !== null)
      row(
        'docker-bench container_runtime',
        max,
        remote.dockerBenchMs,
        localRows.at(-1)!.scanMs,
        (remote.dockerBenchMs / localRows.at(-1)!.scanMs).toFixed(2),
        '',
      );
    row('CLI json contract', max, Math.round(cli.ms), '', cli.ok ? 'ok' : 'FAILED', cli.problem ?? '');
    console.log(
      `goals: local ${holds.local ? 'hold' : 'MISSED'}, TLS ${holds.tls ? 'hold' : 'MISSED'}, ssh ${holds.ssh ? 'hold' : 'MISSED'}   (load ${doc.machine.loadavg.join(' ')}; written to ${path.relative(process.cwd(), RESULTS)})`,
    );
    if (!cli.ok) process.exitCode = 1;
  } finally {
    ssh.session.close();
    await sshd.stop();
    const left = await engine.docker.listContainers({ all: true });
    const rm = createLimiter(8);
    await Promise.all(
      left.map((c) =>
        rm(() =>
          engine.docker
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      ),
    );
    await engine.dockerd.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
