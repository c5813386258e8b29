// The `stowaway scan --format json` contract at scale, checked from the bench that already runs many containers
// (a 50-container test would make the suite slow): the built CLI's output must parse as ScanResultSchema,
// include every container the bench made, and exit 0 (no --fail-on given).
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ScanResultSchema } from '@shared/domain/scan.js';
import { CLI, runCli } from '../helpers/cli.js';

export interface CliContractCheck {
  ok: boolean;
  exitCode: number | null;
  ms: number;
  containers: number;
  ours: number;
  findings: number;
  problem?: string;
}

export async function cliContract(args: string[], ids: string[]): Promise<CliContractCheck> {
  if (!existsSync(CLI))
    return {
      ok: false,
      exitCode: null,
      ms: 0,
      containers: 0,
      ours: 0,
      findings: 0,
      problem: `${CLI} missing: run npm run build first`,
    };
  const t = performance.now();
  const run = await runCli(['scan', '--format', 'json', ...args], { timeoutMs: 300_000 });
  const ms = performance.now() - t;
  const base = { exitCode: run.code, ms, containers: 0, ours: 0, findings: 0 };
  if (run.code !== 0)
    return { ...base, ok: false, problem: run.stderr.trim().split('\n').at(-1)?.slice(0, 300) ?? 'no stderr' };
  let doc: unknown;
  try {
    doc = JSON.parse(run.stdout);
  } catch (e) {
    return { ...base, ok: false, problem: `stdout is not JSON: ${(e as Error).message}` };
  }
  const parsed = ScanResultSchema.safeParse(doc);
  if (!parsed.success)
    return {
      ...base,
      ok: false,
      problem: `schema: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
    };
  const seen = new Set(parsed.data.containers.map((c) => c.id));
  const ours = ids.filter((id) => seen.has(id)).length;
  return {
    ...base,
    ok: ours === ids.length,
    containers: parsed.data.containers.length,
    ours,
    findings: parsed.data.findings.length,
    problem: ours === ids.length ? undefined : `${ids.length - ours} of the bench's containers missing from the output`,
  };
}
