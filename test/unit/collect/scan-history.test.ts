import { describe, expect, it } from 'vitest';
import { EngineEvidenceSchema, type EngineEvidence } from '@shared/domain/evidence-set.js';
import { carryHistory, HISTORY_SAMPLES } from '../../../electron/engine/scan/run-scan.js';
import { toSarif } from '../../../electron/cli/format/sarif.js';
import { DETECTORS } from '../../../electron/engine/detect/registry.js';

const ID = 'a'.repeat(64);

function evidence(at: string, startedAt: string, sockets: string[], cpu: number[]): EngineEvidence {
  return EngineEvidenceSchema.parse({
    engine: { id: 'e', name: 'e', endpoint: 'unix:///x' },
    collectedAt: at,
    containers: [
      {
        container: {
          id: ID,
          engineId: 'e',
          name: 'c',
          image: 'i',
          imageId: 'sha256:1',
          command: 'sh',
          state: 'running',
          status: 'running',
          created: at,
          labels: {},
          entrypoint: [],
          cmd: [],
          user: '',
          privileged: false,
          capAdd: [],
          capDrop: [],
          pidMode: '',
          networkMode: 'none',
          ipcMode: '',
          securityOpt: [],
          mounts: [],
          networks: [],
          ports: [],
          exposedPorts: [],
          logDriver: 'json-file',
          restartPolicy: '',
          env: [],
          startedAt,
        },
        processes: {},
        sockets: sockets.map((t) => ({ containerId: ID, source: 'host', collectedAt: t, sockets: [] })),
        stats: cpu.map((c, i) => ({
          at: sockets[i] ?? at,
          cpuPercent: c,
          memoryBytes: 1,
          pids: 1,
          netRxBytes: 0,
          netTxBytes: 0,
        })),
      },
    ],
  });
}

describe('history across scans', () => {
  it('prepends the previous scan samples of the same container run, bounded', () => {
    const prev = evidence('2026-01-01T10:00:00.000Z', '2026-01-01T09:00:00.000Z', ['2026-01-01T10:00:00.000Z'], [5]);
    const cur = evidence('2026-01-01T10:01:00.000Z', '2026-01-01T09:00:00.000Z', ['2026-01-01T10:01:00.000Z'], [90]);
    carryHistory(cur, prev);
    expect(cur.containers[0]!.sockets.map((s) => s.collectedAt)).toEqual([
      '2026-01-01T10:00:00.000Z',
      '2026-01-01T10:01:00.000Z',
    ]);
    expect(cur.containers[0]!.stats.map((s) => s.cpuPercent)).toEqual([5, 90]);
    let chain = cur;
    for (let i = 2; i < 30; i++) {
      const t = new Date(Date.parse('2026-01-01T10:00:00.000Z') + i * 60_000).toISOString();
      const next = evidence(t, '2026-01-01T09:00:00.000Z', [t], [i]);
      carryHistory(next, chain);
      chain = next;
    }
    expect(chain.containers[0]!.sockets).toHaveLength(HISTORY_SAMPLES);
    expect(chain.containers[0]!.stats.at(-1)!.cpuPercent).toBe(29);
  });

  it('starts over after a restart and drops samples older than the window', () => {
    const prev = evidence('2026-01-01T10:00:00.000Z', '2026-01-01T09:00:00.000Z', ['2026-01-01T10:00:00.000Z'], [5]);
    const restarted = evidence(
      '2026-01-01T10:01:00.000Z',
      '2026-01-01T10:00:30.000Z',
      ['2026-01-01T10:01:00.000Z'],
      [7],
    );
    carryHistory(restarted, prev);
    expect(restarted.containers[0]!.sockets).toHaveLength(1);
    const later = evidence('2026-01-02T10:00:00.000Z', '2026-01-01T09:00:00.000Z', ['2026-01-02T10:00:00.000Z'], [7]);
    carryHistory(later, prev);
    expect(later.containers[0]!.sockets).toHaveLength(1);
  });

  it('writes SARIF with a rule per detector even for a clean scan, and notifications for errors', () => {
    const sarif = toSarif(
      {
        engine: { id: 'e', name: 'e', endpoint: 'unix:///x' },
        scannedAt: '2026-01-01T10:00:00.000Z',
        durationMs: 5,
        containers: [],
        findings: [],
        errors: [{ call: 'events', code: 'ENGINE_TIMEOUT', message: 'slow' }],
      },
      DETECTORS.map((d) => d.meta),
      '1.2.3',
    );
    expect(sarif.runs[0]!.results).toEqual([]);
    expect(sarif.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(DETECTORS.map((d) => d.meta.id));
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications[0]).toMatchObject({
      level: 'warning',
      descriptor: { id: 'ENGINE_TIMEOUT' },
    });
  });
});
