import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import type { ArtifactRef, EngineEvidence, KubeAuditEvent, KubePodList } from '@shared/domain/evidence-set.js';
import type { ScanError } from '@shared/domain/scan.js';
import { AppError } from '@shared/errors.js';
import { toAppError } from '../errors.js';
import { readAuditLogFile } from './audit-log.js';
import { listPods, loadKubeContext } from './pod-list.js';

/**
 * Cluster-side facts a scan of a node's engine can be joined with: the pods the API server lists and the
 * audit log files the analyst brings. Attached to the engine's evidence before detection.
 */
export interface KubeAttachment {
  kubePods?: KubePodList;
  kubeAudit: KubeAuditEvent[];
  artifacts: ArtifactRef[];
  errors: ScanError[];
}

export interface KubeCollectOptions {
  /** kubeconfig context whose pods are listed. */
  context?: string;
  auditFiles?: string[];
  env?: NodeJS.ProcessEnv;
  home?: string;
  timeoutMs?: number;
}

/** Line errors reported per audit file; the rest are counted so a broken file cannot flood the result. */
const MAX_LINE_ERRORS = 20;

async function fileDigest(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), size: (await stat(path)).size };
}

/** Cluster-side facts: audit files read up front, the pod list read when `complete` is called. */
export type KubeEvidenceSource = () => Promise<KubeAttachment>;

/**
 * An unknown context or an unreadable audit file is the analyst's input being wrong: that throws here, before
 * any scanning. The pods are listed only when the returned function is called, right after the engine has been
 * read, so a pod created while its containers were being read is already in the list. An API server that does
 * not answer then is a scan error entry: the engine scan still stands.
 */
export async function prepareKubeEvidence(opts: KubeCollectOptions): Promise<KubeEvidenceSource> {
  const out: KubeAttachment = { kubeAudit: [], artifacts: [], errors: [] };
  const env = opts.env ?? process.env;
  const kc =
    opts.context !== undefined ? await loadKubeContext(opts.context, env, opts.home ?? os.homedir()) : undefined;
  for (const file of opts.auditFiles ?? []) {
    let digest: { sha256: string; size: number };
    try {
      digest = await fileDigest(file);
    } catch (e) {
      throw new AppError('NOT_FOUND', `Cannot read audit log ${file}: ${(e as Error).message}`);
    }
    const parsed = await readAuditLogFile(file);
    out.kubeAudit.push(...parsed.events);
    out.artifacts.push({
      kind: 'kube-audit',
      sourceCall: `audit log ${file}`.slice(0, 2048),
      collectedAt: new Date().toISOString(),
      ...digest,
    });
    for (const err of parsed.errors.slice(0, MAX_LINE_ERRORS))
      out.errors.push({
        call: `audit log ${file}:${err.line}`.slice(0, 512),
        code: 'AUDIT_LINE',
        message: err.message.slice(0, 2048),
      });
    if (parsed.errors.length > MAX_LINE_ERRORS)
      out.errors.push({
        call: `audit log ${file}`.slice(0, 512),
        code: 'AUDIT_LINE',
        message: `${parsed.errors.length - MAX_LINE_ERRORS} more unreadable lines`,
      });
    if (parsed.truncated)
      out.errors.push({
        call: `audit log ${file}`.slice(0, 512),
        code: 'AUDIT_TRUNCATED',
        message: `only the first ${parsed.events.length} events were read`,
      });
  }
  return async () => {
    if (kc) {
      try {
        const { list, artifacts } = await listPods(kc, { timeoutMs: opts.timeoutMs });
        out.kubePods = list;
        out.artifacts.push(...artifacts);
      } catch (e) {
        const err = toAppError(e, `Kubernetes context "${opts.context}"`);
        out.errors.push({
          call: `kube list pods (context ${opts.context})`.slice(0, 512),
          code: err.code,
          message: err.message.slice(0, 2048),
        });
      }
    }
    return out;
  };
}

/** Audit files and pods at once, for callers that have no engine read to wait for. */
export async function collectKubeEvidence(opts: KubeCollectOptions): Promise<KubeAttachment> {
  return (await prepareKubeEvidence(opts))();
}

/** Joins the cluster-side facts to one scan's evidence of the engine. */
export function attachKubeEvidence(evidence: EngineEvidence, k: KubeAttachment): void {
  if (k.kubePods) evidence.kubePods = k.kubePods;
  evidence.kubeAudit.push(...k.kubeAudit);
  evidence.artifacts.push(...k.artifacts);
  evidence.errors.push(...k.errors);
}
