import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Finding, Severity } from '@shared/domain/finding.js';
import type { ScanResult } from '@shared/domain/scan.js';
import type { z } from 'zod';
import { EngineEvidenceSchema, type EngineEvidence } from '@shared/domain/evidence-set.js';
import { sha256Hex } from '../../electron/engine/cases/blob-store.js';
import { containerDetail } from './container-detail.js';

/** A fresh data directory per test; removed by the returned cleanup. */
export function tempDataDir(prefix = 'stowaway-cases-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Strings an attacker controls through container names, labels, command lines and file paths. */
export const HOSTILE = {
  script: '<script>alert(1)</script>',
  img: '<img src=http://203.0.113.9/x.png onerror=alert(2)>',
  md: '](http://evil.example)[x] # heading | cell | `code` **bold**',
  ansi: '\u001b]0;pwned\u0007\u001b[31mred',
  bidi: 'evil\u202egnp.exe',
};

const SEVS: Severity[] = ['low', 'medium', 'high', 'critical'];
const TECHS = ['T1610', 'T1611', 'T1564', 'T1222.002', 'T1036', 'T1095', 'T1496', 'T1525'];

/** Deterministic findings for store and report tests (not a detector: just rows of the right shape). */
export function makeFindings(n: number, opts: { hostile?: boolean; engineId?: string } = {}): Finding[] {
  const out: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const cid = (i % 50).toString(16).padStart(12, 'a');
    const name = opts.hostile && i === 0 ? `web${HOSTILE.script}` : `c-${i % 50}`;
    out.push({
      id: `f-${i.toString().padStart(6, '0')}`,
      detector: `det-${i % 12}`,
      title: opts.hostile && i === 0 ? `Masquerading ${HOSTILE.img}` : `Finding ${i}`,
      severity: SEVS[i % 4]!,
      attack: [TECHS[i % TECHS.length]!],
      kind: 'state',
      engineId: opts.engineId ?? 'local',
      container: { id: cid, name },
      evidence: [
        {
          kind: 'process',
          ref: opts.hostile && i === 0 ? `/tmp/${HOSTILE.md}` : `/proc/${1000 + i}`,
          excerpt: opts.hostile && i === 0 ? `cmd ${HOSTILE.ansi} ${HOSTILE.bidi}` : `pid ${1000 + i} runs /tmp/x`,
          sha256: 'ab'.repeat(32),
        },
      ],
      summary: opts.hostile && i === 0 ? `summary ${HOSTILE.script}` : `summary of finding ${i}`,
      firstSeen: new Date(Date.UTC(2026, 10, 1, 0, 0, i % 60)).toISOString(),
      state: 'new',
    });
  }
  return out;
}

export function makeScan(findings: Finding[], engineId = 'local'): ScanResult {
  const containers = [
    ...new Map(findings.filter((f) => f.container).map((f) => [f.container!.id, f.container!])).values(),
  ];
  return {
    engine: { id: engineId, name: 'local', endpoint: 'unix:///var/run/docker.sock', serverVersion: '20.10' },
    scannedAt: new Date().toISOString(),
    durationMs: 12,
    containers: containers.map((c) => ({
      id: c.id,
      name: c.name,
      image: 'stowaway-test/busybox:1',
      state: 'running' as const,
      risk: 50,
    })),
    findings,
    errors: [],
  };
}

// Parsed, so fields the evidence schema adds later get their defaults.
export const makeEvidence = (result: ScanResult, processCmd = 'sleep 3600'): EngineEvidence =>
  EngineEvidenceSchema.parse({
    engine: { ...result.engine, local: true },
    collectedAt: result.scannedAt,
    containers: result.containers.slice(0, 2).map((c) => ({
      container: containerDetail({ id: c.id, name: c.name, image: c.image, created: result.scannedAt, status: 'Up' }),
      processes: {
        host: {
          containerId: c.id,
          view: 'host',
          source: 'host:/proc',
          collectedAt: result.scannedAt,
          processes: [{ pid: 4242, ppid: 1, user: 'root', comm: 'sh', cmdline: processCmd, flags: ['socket-stdio'] }],
        },
      },
      sockets: [],
      files: [],
      fileContents: [
        {
          path: '/etc/passwd',
          sha256: sha256Hex('root:x:0:0::/root:/bin/sh\n'),
          size: 26,
          text: 'root:x:0:0::/root:/bin/sh\n',
        },
      ],
      mountPoints: [],
      stats: [],
      artifacts: [],
      access: 'api',
    })),
    images: [],
    events: [],
    execs: [],
    kubeAudit: [],
    errors: [],
  } satisfies z.input<typeof EngineEvidenceSchema>);
