import { Command, CommanderError } from 'commander';
import { VERSION } from '../engine/version.js';
import { registerServe } from './commands/serve.js';
import { registerScan } from './commands/scan.js';
import { registerContexts } from './commands/contexts.js';
import { registerCase } from './commands/case.js';
import { registerReport } from './commands/report.js';
import { registerCollect } from './commands/collect.js';
import { registerDetectors } from './commands/detectors.js';
import { registerK8s } from './commands/k8s.js';
import { registerRespond } from './commands/respond.js';
import { EXIT } from './exit-codes.js';
import { errorLine, helpHintsOnError, installProcessGuards } from './process-guards.js';

/** `stowaway`: the headless entry point (CI, remote hosts, web mode). */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('stowaway')
    .description('Container security investigation workbench')
    .version(VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerServe(program);
  registerScan(program);
  registerContexts(program);
  registerCase(program);
  registerReport(program);
  registerCollect(program);
  registerDetectors(program);
  registerK8s(program);
  registerRespond(program);
  helpHintsOnError(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    process.stderr.write(errorLine('stowaway', e));
    return EXIT.usage;
  }
}

const isEntry = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli.mjs') || process.argv[1]?.endsWith('/stowaway');
if (isEntry) {
  installProcessGuards();
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
