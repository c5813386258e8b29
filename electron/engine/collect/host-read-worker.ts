// The host-side reads of local containers, on a thread of their own: they are thousands of small blocking reads
// per scan, and on the engine's thread they would hold up its Engine API calls and every other engine's scan.
import { parentPort } from 'node:worker_threads';
import { hostPidIndex } from './host-procs.js';
import { readHostSide, type HostSideContext } from './host-side.js';
import type { HostReadReply, HostReadRequest } from './host-read-pool.js';
import { LayerCache } from './layers.js';

/** What the containers of one engine scan share here; a few recent scans, as scans of two engines interleave. */
const scans = new Map<string, HostSideContext>();
const MAX_SCANS = 4;

function contextOf(scan: string, procRoot: string): HostSideContext {
  let ctx = scans.get(scan);
  if (!ctx) {
    if (scans.size >= MAX_SCANS) scans.delete(scans.keys().next().value!);
    let index: Promise<Map<string, number[]>> | undefined;
    ctx = { layerCache: new LayerCache(), pidIndex: () => (index ??= hostPidIndex(procRoot)) };
    scans.set(scan, ctx);
  }
  return ctx;
}

parentPort!.on('message', (m: HostReadRequest) => {
  const reply = (r: HostReadReply) => parentPort!.postMessage(r);
  readHostSide(m.job, contextOf(m.scan, m.job.procRoot)).then(
    (result) => reply({ seq: m.seq, result }),
    (e: unknown) => reply({ seq: m.seq, error: (e as Error)?.message ?? String(e) }),
  );
});
parentPort!.postMessage({ ready: true });
