import type { Command } from 'commander';
import { isAppError } from '@shared/errors.js';
import { EXIT } from '../exit-codes.js';
import { withEngine } from '../engine-client.js';
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
    .description(
      'contain a container (isolate, pause, unpause, stop) or preserve its evidence; every action is written to the case custody log before it runs',
    )
    .option('--isolate', 'disconnect it from every network, keep it running')
    .option('--pause', 'freeze its processes (cgroup freezer)')
    .option('--unpause', 'thaw a paused container')
    .option('--stop', 'stop it')
    .option(
      '--preserve',
      'store its filesystem diff, process executables (deleted ones too), maps, environ and logs as hashed evidence',
    )
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
    if (memoryPid !== undefined && (!Number.isInteger(memoryPid) || memoryPid <= 0 || chosen[0] !== 'preserve'))
      return fail('--memory takes a host PID and goes with --preserve');
    const memoryBytes = o.memoryBytes === undefined ? undefined : Number(o.memoryBytes);
    if (memoryBytes !== undefined && (!Number.isInteger(memoryBytes) || memoryBytes <= 0))
      return fail('--memory-bytes takes a positive number');
    try {
      await withEngine({}, async (engine) => {
        const target = await useTarget(engine, o);
        // The case is created when none has that name or id, so the action is always recorded somewhere.
        const caseId = (await engine.call('cases.resolve', { ref: o.case, create: true })).id;
        // Without --yes the input carries no confirmation and the engine refuses the action, as it refuses the UI's.
        const input = {
          engineId: target.engine.id,
          containerId: container,
          action: chosen[0]!,
          caseId,
          memoryPid,
          memoryBytes,
          ...(o.yes === true ? { confirm: true as const } : {}),
        };
        const r = await engine.call('respond.run', input as typeof input & { confirm: true });
        if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else {
          process.stdout.write(`${r.action} ${r.containerId.slice(0, 12)}: ${clean(r.outcome)}\n`);
          for (const i of r.manifest?.items ?? [])
            process.stdout.write(
              `  ${i.sha256}  ${String(i.size).padStart(10)}  ${i.kind}  ${clean(i.source).slice(0, 200)}\n`,
            );
          for (const n of r.manifest?.notes ?? []) process.stdout.write(`  note: ${clean(n).slice(0, 300)}\n`);
        }
      });
      process.exitCode = EXIT.ok;
    } catch (e) {
      const hint = isAppError(e) && e.code === 'CONFIRMATION_REQUIRED' ? ' (add --yes)' : '';
      fail(`${isAppError(e) ? `${clean(e.message)} [${e.code}]` : clean((e as Error).message)}${hint}`);
    }
  });
}
