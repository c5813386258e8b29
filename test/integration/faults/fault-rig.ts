import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type Docker from 'dockerode';
import type { Endpoint } from '@shared/domain/engine.js';
import type { ScanProgress, ScanResult } from '@shared/domain/scan.js';
import { EngineRegistry } from '../../../electron/engine/connections/registry.js';
import { EventBus } from '../../../electron/engine/event-bus.js';
import { ScanService } from '../../../electron/engine/scan/scan-service.js';
import { CaseService } from '../../../electron/engine/cases/case-service.js';
import { tempDataDir } from '../../helpers/case-fixtures.js';
import { stateLog } from '../../helpers/engine-state-log.js';

export { stateLog };
import { runOn, secondEngine } from '../../helpers/second-engine.js';
import type { Dockerd } from '../../helpers/dockerd.js';

/** A sleeper that ends at once on SIGTERM, so a daemon shutting down does not wait out its stop time-out. */
export const QUICK_STOP = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'];

/** Error codes a scan may name for an engine that went away, hung or dropped its transport. */
export const ENGINE_FAULT_CODES = ['ENGINE_UNREACHABLE', 'ENGINE_TIMEOUT', 'SOCKET_MISSING'];

/** A disposable dockerd with the test image and `n` running labelled containers. */
export async function engineWithContainers(
  suite: string,
  n: number,
): Promise<{ dockerd: Dockerd; docker: Docker; ids: string[]; pid: () => number }> {
  const { dockerd, docker } = await secondEngine();
  const ids: string[] = [];
  for (let i = 0; i < n; i += 5)
    ids.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(5, n - i) }, () => runOn(docker, suite, QUICK_STOP).then((c) => c.id)),
      )),
    );
  return { dockerd, docker, ids, pid: () => Number(readFileSync(`${dockerd.dir}/docker.pid`, 'utf8').trim()) };
}

/**
 * Stops a daemon with SIGTERM and blocks this process until it has exited (a zombie counts: its parent is this
 * process, which cannot reap it while blocked). Called from a progress callback, the scan cannot take one more step
 * before the daemon is gone, so the fault lands at the same point every time.
 */
export function stopDaemonNow(pid: number): void {
  const script = `kill -TERM ${pid}; i=0; while [ $i -lt 300 ] && [ -e /proc/${pid} ] && ! grep -q '^State:[[:space:]]*Z' /proc/${pid}/status; do i=$((i+1)); sleep 0.05; done`;
  execFileSync('sh', ['-c', script]);
}

/**
 * The engine side of the app with short time-outs (registry with its health monitor and backoff, scan service) and a
 * case store in its own data directory: the components the desktop app and `serve` compose, tuned for a test.
 */
export function faultRig(endpoint: Endpoint, o: { callTimeoutMs?: number; concurrency?: number; home?: string } = {}) {
  const bus = new EventBus();
  const log = stateLog(bus);
  const callTimeoutMs = o.callTimeoutMs ?? 3_000;
  const engines = new EngineRegistry(bus, {
    healthIntervalMs: 300,
    sshHealthIntervalMs: 300,
    backoff: { initialMs: 300, maxMs: 1_000 },
    callTimeoutMs,
    env: {},
    home: o.home,
  });
  engines.add({ id: 'target', name: 'target', kind: 'docker', source: 'cli', current: false, endpoint });
  const scans = new ScanService(engines, bus, { callTimeoutMs, concurrency: o.concurrency ?? 2, incremental: false });
  const data = tempDataDir('sw-faults-');
  const cases = new CaseService(data.dir, 'analyst');
  const progress: ScanProgress[] = [];
  bus.onAny((event, payload) => {
    if (event === 'scan.progress') progress.push(payload as ScanProgress);
  });
  /** Runs `act` once, synchronously, when the scan has collected `after` containers: the fault lands mid-collection. */
  const duringCollection = (after: number, act: () => void) => {
    let fired = false;
    const off = bus.onAny((event, payload) => {
      const p = payload as ScanProgress;
      if (fired || event !== 'scan.progress' || p.phase !== 'collecting' || p.done < after) return;
      fired = true;
      off();
      act();
    });
    return () => fired;
  };
  return {
    bus,
    log,
    engines,
    scans,
    cases,
    dataDir: data.dir,
    progress,
    duringCollection,
    dispose() {
      engines.dispose();
      cases.dispose();
      data.cleanup();
    },
  };
}

/**
 * A partial result names what it missed: every container it listed is either in the result or has an error entry
 * of its own, and each error carries a code from `codes`.
 */
export function expectPartial(result: ScanResult, expected: string[], codes = ENGINE_FAULT_CODES): void {
  const got = new Set(result.containers.map((c) => c.id));
  const missing = expected.filter((id) => !got.has(id));
  // Containers are read side by side, so a fault may cost some containers or only later reads of them: either way
  // the scan says what the fault cost it.
  const faulted = result.errors.filter((e) => codes.includes(e.code));
  expect(missing.length + faulted.length, 'the fault cost the scan nothing it reports').toBeGreaterThan(0);
  for (const id of missing) {
    const errs = result.errors.filter((e) => e.containerId === id);
    expect(errs.length, `container ${id.slice(0, 12)} is missing without an error naming it`).toBeGreaterThan(0);
    for (const e of errs) expect(codes, JSON.stringify(e)).toContain(e.code);
  }
  for (const e of result.errors) {
    expect(e.code, `${e.call}: ${e.message}`).not.toBe('INTERNAL');
    expect(e.message.length).toBeGreaterThan(0);
  }
}

/** The case holds each recorded scan as it was (containers, error counts, evidence) and `case verify` passes. */
export async function expectCaseIntact(cases: CaseService, caseId: string, recorded: ScanResult[]): Promise<void> {
  const scans = cases.scans(caseId);
  expect(scans).toHaveLength(recorded.length);
  for (const r of recorded) {
    const s = scans.find((x) => x.scannedAt === r.scannedAt)!;
    expect(s, `scan of ${r.scannedAt} is in the case`).toBeTruthy();
    expect([s.containerCount, s.findingCount, s.errorCount]).toEqual([
      r.containers.length,
      r.findings.length,
      r.errors.length,
    ]);
    const ev = cases.engineEvidence(caseId, s.id)!;
    expect(ev.containers.map((c) => c.container.id).sort()).toEqual(r.containers.map((c) => c.id).sort());
  }
  const seen = new Set(cases.containers(caseId).map((c) => c.id));
  for (const r of recorded) for (const c of r.containers) expect(seen.has(c.id)).toBe(true);
  const v = await cases.verify(caseId);
  expect(v.problems).toEqual([]);
  expect(v.ok).toBe(true);
}
