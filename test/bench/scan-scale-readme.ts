// Puts the latest scale benchmark (test/bench/results/scan-scale.json) into README.md: the table the bench prints
// and a chart of local scan time against the host-read floor by container count, between the scan-scale markers.
// Run: npx tsx test/bench/scan-scale-readme.ts   (after node --import tsx test/bench/scan-scale.bench.ts)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface Results {
  measuredAt: string;
  machine: { cpus: number; loadavg: number[] };
  repeat: number;
  /** Runs per local variant (older results: `repeat`). */
  localRepeat?: number;
  goals: { localPerFloor: number; apiPerFloor: number; sshPerTls: number };
  local: { n: number; scanMs: number; floorMs: number; ratio: number }[];
  remote: {
    n: number;
    localMs: number;
    tls: {
      scanMs: number;
      floorMs: number;
      ratio: number;
      errors: number;
      bareFloorMs?: number;
      perBareFloor?: number;
    };
    ssh: {
      scanMs: number;
      floorMs: number;
      ratio: number;
      perTls: number;
      errors: number;
      channelErrors: number;
      sameContainersAsLocal: boolean;
    };
    dockerBenchMs: number | null;
  };
  holds: { local: boolean; tls: boolean; ssh: boolean };
}

const START = '<!-- scan-scale:start -->';
const END = '<!-- scan-scale:end -->';

export function renderScanScale(r: Results): string {
  const ok = (b: boolean) => (b ? 'holds' : 'missed');
  const rows = [
    '| Measurement | Containers | Time (ms) | Floor (ms) | Ratio | Goal |',
    '|---|---:|---:|---:|---:|---|',
    ...r.local.map(
      (x) =>
        `| Local scan / host-read floor | ${x.n} | ${x.scanMs} | ${x.floorMs} | ${x.ratio.toFixed(2)} | ≤ ${r.goals.localPerFloor} (${ok(x.ratio <= r.goals.localPerFloor)}) |`,
    ),
    `| TLS scan / API floor over TLS | ${r.remote.n} | ${r.remote.tls.scanMs} | ${r.remote.tls.floorMs} | ${r.remote.tls.ratio.toFixed(2)} | ≤ ${r.goals.apiPerFloor} (${ok(r.holds.tls)}) |`,
    ...(r.remote.tls.bareFloorMs !== undefined
      ? [
          `| TLS scan / inspect + top + changes only | ${r.remote.n} | ${r.remote.tls.scanMs} | ${r.remote.tls.bareFloorMs} | ${r.remote.tls.perBareFloor!.toFixed(2)} | |`,
        ]
      : []),
    `| ssh scan / API floor over ssh | ${r.remote.n} | ${r.remote.ssh.scanMs} | ${r.remote.ssh.floorMs} | ${r.remote.ssh.ratio.toFixed(2)} | ≤ ${r.goals.apiPerFloor} (${ok(r.remote.ssh.ratio <= r.goals.apiPerFloor)}) |`,
    `| ssh scan / TLS scan | ${r.remote.n} | ${r.remote.ssh.scanMs} | ${r.remote.tls.scanMs} | ${r.remote.ssh.perTls.toFixed(2)} | ≤ ${r.goals.sshPerTls} (${ok(r.remote.ssh.perTls <= r.goals.sshPerTls)}) |`,
    `| ssh errors (channel open / all); same containers as the socket | ${r.remote.n} | ${r.remote.ssh.channelErrors} / ${r.remote.ssh.errors}; ${r.remote.ssh.sameContainersAsLocal ? 'yes' : 'no'} | | | 0 / 0; yes |`,
    ...(r.remote.dockerBenchMs !== null
      ? [
          `| docker-bench-security container runtime / local scan | ${r.local.at(-1)!.n} | ${r.remote.dockerBenchMs} | ${r.local.at(-1)!.scanMs} | ${(r.remote.dockerBenchMs / r.local.at(-1)!.scanMs).toFixed(2)} | |`,
        ]
      : []),
  ];
  const xs = r.local.map((x) => x.n);
  const chart = [
    '```mermaid',
    'xychart-beta',
    '  title "Local scan time by container count (ms): scan line, host-read floor bars"',
    `  x-axis "containers" [${xs.join(', ')}]`,
    `  y-axis "ms" 0 --> ${Math.ceil((Math.max(...r.local.map((x) => x.scanMs)) * 1.1) / 100) * 100}`,
    `  bar [${r.local.map((x) => x.floorMs).join(', ')}]`,
    `  line [${r.local.map((x) => x.scanMs).join(', ')}]`,
    '```',
  ];
  return [
    START,
    `Latest run (${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.cpus} cores shared, load average ${r.machine.loadavg.join(' / ')}; best of ${r.localRepeat ?? r.repeat} interleaved runs per local variant, ${r.repeat} per remote one):`,
    '',
    ...rows,
    '',
    ...chart,
    END,
  ].join('\n');
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const root = path.resolve(import.meta.dirname, '../..');
  const results = JSON.parse(
    readFileSync(path.join(import.meta.dirname, 'results', 'scan-scale.json'), 'utf8'),
  ) as Results;
  const readmePath = path.join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no ${START} ... ${END} block`);
  writeFileSync(readmePath, readme.slice(0, a) + renderScanScale(results) + readme.slice(b + END.length));
  process.stdout.write('README.md: scan-scale table and chart updated\n');
}
