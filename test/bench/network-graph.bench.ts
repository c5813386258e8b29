// Network graph at the size the views must stay interactive at: 500 nodes and 2,000 edges, drawn by the real
// ForceGraph (d3-force + canvas) in headless chromium. Measured in one run: layout settle time, canvas draw time
// against the 16.7 ms frame budget, frame interval and input-to-paint latency while dragging a node, the same at
// a tenth of the size (scaling ratio), and the backend graph build for 500 containers.
// Run: node --import tsx test/bench/network-graph.bench.ts   (or: npm run bench -- network-graph)
import { build } from 'esbuild';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildNetworkGraph, type ContainerSockets } from '../../electron/engine/investigate/network-graph.js';
import type { SocketInfo } from '@shared/domain/network.js';
import { launchBrowser } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';

const FRAME_MS = 1000 / 60;

interface PageResult {
  settleMs: number;
  ticks: number;
  drawMean: number;
  drawP95: number;
  frameMean: number;
  frameP95: number;
  dragLatencyMedian: number;
  dragLatencyP95: number;
  pinned: boolean;
}

async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'renderer/src/features/network/force-graph.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'FG',
    platform: 'browser',
    minify: true,
  });
  return out.outputFiles[0]!.text;
}

/** Runs in the page: a deterministic synthetic graph shaped like a busy engine. */
function pageSetup(n: { nodes: number; edges: number }) {
  let seed = 42;
  const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const containers = Math.round(n.nodes * 0.1);
  const nodes: { id: string; kind: string; label: string; external?: boolean }[] = [];
  const edges: { id: string; source: string; target: string; kind: string; direction: string }[] = [];
  for (let i = 0; i < containers; i++) nodes.push({ id: `c${i}`, kind: 'container', label: `container-${i}` });
  while (nodes.length < n.nodes) {
    const i = nodes.length;
    const r = rnd();
    const kind = r < 0.5 ? 'process' : r < 0.7 ? 'listener' : 'endpoint';
    nodes.push({ id: `n${i}`, kind, label: `${kind}-${i}`, external: kind === 'endpoint' && rnd() < 0.3 });
    if (kind !== 'endpoint')
      edges.push({
        id: `o${i}`,
        source: `c${Math.floor(rnd() * containers)}`,
        target: `n${i}`,
        kind: kind === 'process' ? 'owns' : 'listen',
        direction: kind === 'process' ? 'owns' : 'listen',
      });
  }
  while (edges.length < n.edges) {
    const a = nodes[Math.floor(rnd() * nodes.length)]!;
    const b = nodes[Math.floor(rnd() * nodes.length)]!;
    if (a === b) continue;
    edges.push({
      id: `e${edges.length}`,
      source: a.id,
      target: b.id,
      kind: 'connection',
      direction: rnd() < 0.5 ? 'outbound' : 'internal',
    });
  }
  const groups = Array.from({ length: 6 }, (_, g) => ({
    id: `g${g}`,
    name: `net-${g}`,
    members: nodes.filter((x) => x.kind === 'container' && Number(x.id.slice(1)) % 6 === g).map((x) => x.id),
  }));
  return { nodes, edges, groups };
}

async function measure(size: { nodes: number; edges: number }, code: string): Promise<PageResult> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    // tsx keeps function names with a __name helper; functions shipped to the page need it too.
    await page.setContent(
      '<!doctype html><html><body style="margin:0;background:#0f1216"><canvas id="c"></canvas><script>window.__name = (f) => f;</script></body></html>',
    );
    await page.addScriptTag({ content: code });
    const settle = await page.evaluate(
      ({ size, setupSrc }) =>
        new Promise<{ settleMs: number; ticks: number; drawMean: number; drawP95: number }>((resolve) => {
          const setup = new Function(`return (${setupSrc})`)() as (n: { nodes: number; edges: number }) => {
            nodes: unknown[];
            edges: unknown[];
            groups: unknown[];
          };
          const data = setup(size);
          const palette = {
            bg: '#0f1216',
            fg: '#d8dee6',
            muted: '#9aa6b2',
            line: '#2a323c',
            accent: '#4ea1ff',
            container: '#4ea1ff',
            process: '#9aa6b2',
            listener: '#3fb950',
            endpoint: '#8b98a5',
            external: '#d29922',
            inbound: '#d29922',
            outbound: '#a371f7',
            internal: '#3fb950',
            sel: '#1f3550',
          };
          const w = window as unknown as {
            FG: { ForceGraph: new (c: HTMLCanvasElement, p: unknown) => any };
            fg: any;
            drawEnds: number[];
          };
          const fg = new w.FG.ForceGraph(document.getElementById('c') as HTMLCanvasElement, palette);
          w.fg = fg;
          w.drawEnds = [];
          const orig = fg.draw.bind(fg);
          fg.draw = () => {
            orig();
            w.drawEnds.push(performance.now());
          };
          fg.resize(1200, 800);
          fg.onSettle = (st: { settleMs: number; ticks: number }) => {
            // Draw cost, measured directly: 60 full redraws of the settled graph.
            const times: number[] = [];
            for (let i = 0; i < 60; i++) {
              const t = performance.now();
              fg.drawNow();
              times.push(performance.now() - t);
            }
            times.sort((a, b) => a - b);
            resolve({
              settleMs: st.settleMs,
              ticks: st.ticks,
              drawMean: times.reduce((a, b) => a + b, 0) / times.length,
              drawP95: times[Math.floor(times.length * 0.95)]!,
            });
          };
          fg.setData(data.nodes, data.edges, data.groups);
        }),
      { size, setupSrc: pageSetup.toString() },
    );
    await page.evaluate(() => (window as unknown as { fg: { fit(): void } }).fg.fit());
    await page.waitForTimeout(500);
    // Drag the first container: pointer events go through d3-drag exactly as an analyst's would.
    const start = await page.evaluate(() =>
      (window as unknown as { fg: { screenPosition(id: string): [number, number] } }).fg.screenPosition('c0'),
    );
    await page.evaluate(() => {
      const w = window as unknown as { moves: number[]; drawEnds: number[] };
      w.moves = [];
      w.drawEnds = [];
      window.addEventListener('mousemove', () => w.moves.push(performance.now()), true);
    });
    await page.mouse.move(start[0], start[1]);
    await page.mouse.down();
    for (let i = 1; i <= 60; i++) {
      await page.mouse.move(start[0] + i * 4, start[1] + Math.sin(i / 5) * 40);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
    const drag = await page.evaluate(() => {
      const w = window as unknown as {
        moves: number[];
        drawEnds: number[];
        fg: { nodePosition(id: string): { pinned?: boolean } };
      };
      const lat: number[] = [];
      for (const m of w.moves.slice(1)) {
        const d = w.drawEnds.find((e) => e >= m);
        if (d !== undefined) lat.push(d - m);
      }
      const frames: number[] = [];
      for (let i = 1; i < w.drawEnds.length; i++) frames.push(w.drawEnds[i]! - w.drawEnds[i - 1]!);
      const q = (a: number[], p: number) =>
        [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))] ?? NaN;
      return {
        dragLatencyMedian: q(lat, 0.5),
        dragLatencyP95: q(lat, 0.95),
        frameMean: frames.reduce((a, b) => a + b, 0) / Math.max(1, frames.length),
        frameP95: q(frames, 0.95),
        pinned: Boolean(w.fg.nodePosition('c0')?.pinned),
      };
    });
    return { ...settle, ...drag };
  } finally {
    await browser.close();
  }
}

function backendBuild(containers: number, socketsEach: number): number {
  const list: ContainerSockets[] = [];
  for (let c = 0; c < containers; c++) {
    const ip = `10.${Math.floor(c / 250)}.${c % 250}.2`;
    const sockets: SocketInfo[] = [
      {
        protocol: 'tcp',
        localAddress: '0.0.0.0',
        localPort: 8080,
        remoteAddress: '0.0.0.0',
        remotePort: 0,
        state: 'LISTEN',
        inode: 1,
        pid: 100,
        process: 'srv',
      },
    ];
    for (let s = 0; s < socketsEach; s++) {
      const peer = (c + s + 1) % containers;
      sockets.push({
        protocol: 'tcp',
        localAddress: ip,
        localPort: 40000 + s,
        remoteAddress: `10.${Math.floor(peer / 250)}.${peer % 250}.2`,
        remotePort: 8080,
        state: 'ESTABLISHED',
        inode: 10 + s,
        pid: 101,
        process: 'cli',
      });
    }
    list.push({
      id: String(c).padStart(64, '0'),
      name: `c${c}`,
      networks: [{ name: 'n', ipAddress: ip, networkId: 'n' }],
      sockets,
      socketsKnown: true,
    });
  }
  const t = performance.now();
  const g = buildNetworkGraph('bench', list, { access: 'host' });
  const ms = performance.now() - t;
  process.stdout.write(
    `backend graph build: ${containers} containers x ${socketsEach + 1} sockets -> ${g.nodes.length} nodes, ${g.edges.length} edges in ${ms.toFixed(1)} ms\n`,
  );
  return ms;
}

process.stdout.write(
  `load average at start: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores (times scale with it; the ratios less so)\n`,
);
const code = await bundle();
const big = await measure({ nodes: 500, edges: 2000 }, code);
const small = await measure({ nodes: 50, edges: 200 }, code);
const f = (n: number) => n.toFixed(1);
for (const [label, r] of [
  ['500 nodes / 2000 edges', big],
  ['50 nodes / 200 edges', small],
] as const) {
  process.stdout.write(
    `${label}: settle ${f(r.settleMs)} ms (${r.ticks} ticks, ${f(r.settleMs / Math.max(1, r.ticks))} ms/tick) · draw mean ${f(r.drawMean)} ms, p95 ${f(r.drawP95)} ms · ` +
      `while dragging: frame interval mean ${f(r.frameMean)} ms, p95 ${f(r.frameP95)} ms, input-to-paint median ${f(r.dragLatencyMedian)} ms, p95 ${f(r.dragLatencyP95)} ms · pinned after drop: ${r.pinned}\n`,
  );
}
process.stdout.write(
  `ratios (one run): draw p95 / frame budget = ${(big.drawP95 / FRAME_MS).toFixed(2)} · drag input-to-paint p95 / frame budget = ${(big.dragLatencyP95 / FRAME_MS).toFixed(2)} · ` +
    `settle 500/2000 vs 50/200 = ${(big.settleMs / small.settleMs).toFixed(2)}x · draw 500/2000 vs 50/200 = ${(big.drawMean / Math.max(0.01, small.drawMean)).toFixed(2)}x\n`,
);
backendBuild(500, 4);
if (!big.pinned) {
  process.stdout.write('drag did not pin the node\n');
  process.exitCode = 1;
}
