import { Command, CommanderError } from 'commander';
import { VERSION } from '../engine/version.js';
import { EXIT } from './exit-codes.js';
import { errorLine, helpHintsOnError, installProcessGuards } from './process-guards.js';

/**
 * The commands, each loaded only when it runs: a command module pulls in what it needs (the Docker and ssh
 * clients, SQLite, the Kubernetes client, report renderers, Chromium's driver), which `--version`, `--help`
 * and every other command must not pay for. The description is repeated here for the top-level help.
 */
export const COMMANDS: { name: string; description: string; register(program: Command): Promise<void> }[] = [
  {
    name: 'serve',
    description: 'serve the workbench UI on 127.0.0.1 for a browser',
    register: async (p) => (await import('./commands/serve.js')).registerServe(p),
  },
  {
    name: 'scan',
    description: 'scan every container of an engine (or of several at once) and report findings',
    register: async (p) => (await import('./commands/scan.js')).registerScan(p),
  },
  {
    name: 'contexts',
    description: 'list Docker engines and Kubernetes contexts: DOCKER_HOST, docker contexts, kubeconfig, saved hosts',
    register: async (p) => (await import('./commands/contexts.js')).registerContexts(p),
  },
  {
    name: 'case',
    description: 'manage investigation cases (findings, notes, evidence, custody log)',
    register: async (p) => (await import('./commands/case.js')).registerCase(p),
  },
  {
    name: 'report',
    description: 'export a case report (html, pdf, json, md, navigator)',
    register: async (p) => (await import('./commands/report.js')).registerReport(p),
  },
  {
    name: 'collect',
    description: 'collect evidence from an engine into one offline bundle (.tar.gz) to analyse elsewhere',
    register: async (p) => (await import('./commands/collect.js')).registerCollect(p),
  },
  {
    name: 'k8s',
    description: 'work with Kubernetes clusters through their API server',
    register: async (p) => (await import('./commands/k8s.js')).registerK8s(p),
  },
  {
    name: 'completion',
    description: 'print a shell completion script (bash, zsh or fish)',
    // Completions are built from every command's own definition, so this one loads them all.
    register: async (p) => {
      for (const c of COMMANDS) if (c.name !== 'completion') await c.register(p);
      (await import('./commands/completion.js')).registerCompletion(p);
    },
  },
  {
    name: 'respond',
    description:
      'contain a container (isolate, pause, unpause, stop) or preserve its evidence; every action is written to the case custody log before it runs',
    register: async (p) => (await import('./commands/respond.js')).registerRespond(p),
  },
  {
    name: 'detectors',
    description: 'list the detectors with their ATT&CK techniques, strategy, severity and documentation',
    register: async (p) => (await import('./commands/detectors.js')).registerDetectors(p),
  },
];

/** The command the arguments name (`stowaway help scan` names scan); none for `--version`, `--help` or a typo. */
function namedCommand(argv: string[]): (typeof COMMANDS)[number] | undefined {
  const args = argv.slice(2);
  const i = args.findIndex((a) => !a.startsWith('-'));
  const name = args[i] === 'help' ? args[i + 1] : args[i];
  return COMMANDS.find((c) => c.name === name);
}

/** `stowaway`: the headless entry point (CI, remote hosts, web mode). */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('stowaway')
    .description('Container security investigation workbench')
    .version(VERSION, '-v, --version')
    .option('-q, --quiet', 'no progress or notices on stderr (results and errors still print)')
    .option('--no-color', 'no colour in terminal output (NO_COLOR in the environment does the same)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const named = namedCommand(argv);
  if (named) await named.register(program);
  // Without a command, the others appear by name and description only (help, suggestions for a typo).
  for (const c of COMMANDS)
    if (!program.commands.some((x) => x.name() === c.name)) program.command(c.name).description(c.description);
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

const isEntry =
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('/cli.mjs') ||
  process.argv[1]?.endsWith('/stowaway');
if (isEntry) {
  installProcessGuards();
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
