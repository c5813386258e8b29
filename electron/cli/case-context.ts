import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaseService } from '../engine/cases/case-service.js';
import { resolveDataDir } from '../engine/data-dir.js';
import { isAppError } from '../../shared/errors.js';
import { EXIT } from './exit-codes.js';
import type { CaseView } from '../../shared/api/cases.js';
import type { ScanResult } from '../../shared/domain/scan.js';
import type { EngineEvidence } from '../../shared/domain/evidence-set.js';
import type { Suppression } from '../../shared/domain/suppression.js';
import type { Finding } from '../../shared/domain/finding.js';

/** The analyst named in custody lines written from the command line. */
export const cliActor = (env: NodeJS.ProcessEnv = process.env): string => env.STOWAWAY_ANALYST || os.userInfo().username;

/** Runs a case command with the case store open, turning errors into a message and exit code 2. */
export async function withCases(command: string, fn: (cases: CaseService) => Promise<number | void> | number | void): Promise<void> {
  let cases: CaseService | undefined;
  // `stowaway case show X | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  try {
    cases = new CaseService(resolveDataDir(process.env), cliActor());
    const code = await fn(cases);
    process.exitCode = typeof code === 'number' ? code : EXIT.ok;
  } catch (e) {
    process.stderr.write(`stowaway ${command}: ${isAppError(e) ? `${e.message} [${e.code}]` : (e as Error).message}\n`);
    process.exitCode = EXIT.usage;
  } finally {
    cases?.dispose();
  }
}

/**
 * The allowlist of the case `stowaway scan --case NAME` records into: that case's entries, not the
 * current case's. A case that does not exist yet has none; no case database at all means none either.
 */
export function caseSuppressions(ref: string, env: NodeJS.ProcessEnv = process.env): Suppression[] {
  const dir = resolveDataDir(env);
  if (!existsSync(path.join(dir, 'cases.db'))) return [];
  const cases = new CaseService(dir, cliActor(env));
  try {
    return cases.suppressions(cases.resolve(ref).id);
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_FOUND') return [];
    throw e;
  } finally {
    cases.dispose();
  }
}

/**
 * `stowaway scan --case NAME`: records the scan (and its evidence set) in the case with that name or id,
 * creating the case when none matches. Returns a line for stderr.
 */
export function recordScanInCase(ref: string, result: ScanResult, evidence: EngineEvidence | null | undefined, env: NodeJS.ProcessEnv = process.env, suppressed?: Finding[]): string {
  const cases = new CaseService(resolveDataDir(env), cliActor(env));
  try {
    let c: CaseView;
    try {
      c = cases.resolve(ref);
    } catch (e) {
      if (!(isAppError(e) && e.code === 'NOT_FOUND')) throw e;
      c = cases.create(ref);
    }
    cases.addScan(c.id, result, evidence ?? undefined, { source: `stowaway scan ${result.engine.endpoint}`, suppressed });
    return `Recorded in case ${c.name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 200)} (${c.id.slice(0, 8)})`;
  } finally {
    cases.dispose();
  }
}
