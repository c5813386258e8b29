import type { Command } from 'commander';
import { isAppError } from '../../../shared/errors.js';
import { EXIT } from '../exit-codes.js';
import { cliActor } from '../case-context.js';
import { addTargetOptions, useTarget, type TargetFlags } from '../target-options.js';

interface RespondFlags extends TargetFlags {
  isolate?: boolean;
  pause?: boolean;
  unpause?: boolean;
  stop?: boolean;
  preserve?: boolean;
  memory?: string;
  memoryBytes?: string;
  case: string;
  yes?: boolean;
  json?: boolean;
}

const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

/** `stowaway respond CONTAINER --isolate|--pause|--unpause|--stop|--preserve --case NAME --yes`: containment with custody. */
export function registerRespond(program: Command): void {
  const cmd = program
    .command('respond <container>')
    .description('contain a container (isolate, pause, unpause, stop) or preserve its evidence; every action is written to the case custody log before it runs')
    .option('--isolate', 'disconnect it from every network, keep it running')
    .option('--pause', 'freeze its processes (cgroup freezer)')
    .option('--unpause', 'thaw a paused container')
    .option('--stop', 'stop it')
    .option('--preserve', 'store its filesystem diff, process executables (deleted ones too), maps, environ and logs as hashed evidence')
    .option('--memory <pid>', 'with --preserve: also dump the memory of this host PID, one of its processes')
    .option('--memory-bytes <n>', 'with --memory: most bytes to read (default 64 MiB, at most 256 MiB)')
    .requiredOption('--case <name>', 'case to record the action in (created when missing)')
    .option('--yes', 'confirm the action (required: it changes the container or reads deep into it)')
    .option('--json', 'print the result as JSON');
  addTargetOptions(cmd).action(async (container: string, o: RespondFlags) => {
    const chosen = (['isolate', 'pause', 'unpause', 'stop', 'preserve'] as const).filter((a) => o[a]);
    const fail = (msg: string) => {
      process.stderr.write(`stowaway respond: ${msg}\n`);
      process.exitCode = EXIT.usage;
    };
    if (chosen.length !== 1) return fail('name exactly one of --isolate, --pause, --unpause, --stop, --preserve');
    const memoryPid = o.memory === undefined ? undefined : Number(o.memory);
    if (memoryPid !== undefined && (!Number.isInteger(memoryPid) || memoryPid <= 0 || chosen[0] !== 'preserve')) return fail('--memory takes a host PID and goes with --preserve');
    const memoryBytes = o.memoryBytes === undefined ? undefined : Number(o.memoryBytes);
    if (memoryBytes !== undefined && (!Number.isInteger(memoryBytes) || memoryBytes <= 0)) return fail('--memory-bytes takes a positive number');
    // The engine and the case store load only when the command runs, so `stowaway --help` stays fast.
    const { createApp } = await import('../../engine/app.js');
    const app = createApp();
    try {
      const target = await useTarget(app.engines, o);
      const cases = app.caseStore.get();
      let caseId: string;
      try {
        caseId = cases.resolve(o.case).id;
      } catch (e) {
        if (!(isAppError(e) && e.code === 'NOT_FOUND')) throw e;
        caseId = cases.create(o.case, cliActor()).id;
      }
      const r = await app.respond.run({ engineId: target.id, containerId: container, action: chosen[0]!, caseRef: caseId, confirm: o.yes === true, memoryPid, memoryBytes }, cliActor());
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        process.stdout.write(`${r.action} ${r.containerId.slice(0, 12)}: ${clean(r.outcome)}\n`);
        for (const i of r.manifest?.items ?? []) process.stdout.write(`  ${i.sha256}  ${String(i.size).padStart(10)}  ${i.kind}  ${clean(i.source).slice(0, 200)}\n`);
        for (const n of r.manifest?.notes ?? []) process.stdout.write(`  note: ${clean(n).slice(0, 300)}\n`);
      }
      process.exitCode = EXIT.ok;
    } catch (e) {
      const hint = isAppError(e) && e.code === 'CONFIRMATION_REQUIRED' ? ' (add --yes)' : '';
      fail(`${isAppError(e) ? `${clean(e.message)} [${e.code}]` : clean((e as Error).message)}${hint}`);
    } finally {
      await app.dispose();
    }
  });
}
