import { Argument, type Command, type Option } from 'commander';
import { rootOf } from '../output-style.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

interface Spec {
  name: string;
  description: string;
  options: { flags: string[]; description: string; takesValue: boolean; choices?: string[] }[];
  subcommands: Spec[];
  /** Fixed choices of the first positional argument (the shell of `completion`). */
  positional: string[];
}

/** Option values whose choices are known without asking an engine. */
const VALUE_CHOICES: Record<string, string[]> = {
  '--format': ['table', 'json', 'sarif', 'html', 'pdf', 'md', 'navigator'],
  '--fail-on': ['low', 'medium', 'high', 'critical'],
  '--baseline': ['ci-runners', 'dev-image-churn'],
};

function spec(cmd: Command): Spec {
  const options = (cmd.options as readonly Option[]).map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => !!f),
    description: o.description,
    takesValue: o.required || o.optional,
    choices: o.argChoices ?? (o.long ? VALUE_CHOICES[o.long] : undefined),
  }));
  const first = cmd.registeredArguments[0] as (Argument & { argChoices?: string[] }) | undefined;
  return {
    name: cmd.name(),
    description: cmd.description(),
    options,
    subcommands: cmd.commands.map(spec),
    positional: first?.argChoices ?? [],
  };
}

// Words for shells: names and flags come from our own command definitions, never from user input.
const words = (xs: string[]) => xs.join(' ');
const esc = (s: string) => s.replace(/'/g, "'\\''");

export function bashCompletion(root: Spec): string {
  const cases: string[] = [];
  const walk = (s: Spec, path: string[]) => {
    const flags = s.options.flatMap((o) => o.flags);
    const valued = s.options.filter((o) => o.takesValue);
    const choiceCases = valued
      .filter((o) => o.choices?.length)
      .map(
        (o) => `        ${o.flags.join('|')}) COMPREPLY=( $(compgen -W '${words(o.choices!)}' -- "$cur") ); return ;;`,
      )
      .join('\n');
    cases.push(`    '${path.join(' ')}')
      case "$prev" in
${choiceCases}
        ${valued.length ? `${valued.flatMap((o) => o.flags).join('|')}) return ;;` : ''}
      esac
      COMPREPLY=( $(compgen -W '${words([...s.subcommands.map((c) => c.name), ...s.positional, ...flags, ...(path.length === 0 ? ['--help'] : [])])}' -- "$cur") ) ;;`);
    for (const c of s.subcommands) walk(c, [...path, c.name]);
  };
  walk(root, []);
  return `# bash completion for stowaway: source it, or put it in ~/.local/share/bash-completion/completions/stowaway
_stowaway() {
  local cur prev path word i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    case " $(_stowaway_subs "$path") " in *" $word "*) path="\${path:+$path }$word" ;; esac
  done
  case "$path" in
${cases.join('\n')}
  esac
}
_stowaway_subs() {
  case "$1" in
${(() => {
  const out: string[] = [];
  const walk = (s: Spec, path: string[]) => {
    out.push(`    '${path.join(' ')}') echo '${words(s.subcommands.map((c) => c.name))}' ;;`);
    for (const c of s.subcommands) walk(c, [...path, c.name]);
  };
  walk(root, []);
  return out.join('\n');
})()}
  esac
}
complete -o default -F _stowaway stowaway
`;
}

export function zshCompletion(root: Spec): string {
  const fns: string[] = [];
  const fname = (path: string[]) => `_stowaway${path.map((p) => `_${p.replace(/\W/g, '_')}`).join('')}`;
  const walk = (s: Spec, path: string[]) => {
    const args = s.options.map((o) => {
      const desc = esc(o.description.replace(/[[\]:]/g, ' '));
      const value = o.takesValue ? `:value:${o.choices?.length ? `(${words(o.choices)})` : ''}` : '';
      return o.flags.length > 1
        ? `    '(${o.flags.join(' ')})'{${o.flags.join(',')}}'[${desc}]${value}'`
        : `    '${o.flags[0]}[${desc}]${value}'`;
    });
    const subs = s.subcommands.map((c) => `'${esc(c.name)}:${esc(c.description.replace(/:/g, ' '))}'`);
    fns.push(`${fname(path)}() {
  local line state
  _arguments -C \\
${[...args, s.positional.length ? `    '1:value:(${words(s.positional)})'` : '', subs.length ? "    '1: :->cmds'" : '', subs.length ? "    '*::arg:->args'" : ''].filter(Boolean).join(' \\\n')}
${
  subs.length
    ? `  case $state in
    cmds) local -a cmds; cmds=(${subs.join(' ')}); _describe 'command' cmds ;;
    args) case $line[1] in
${s.subcommands.map((c) => `      ${c.name}) ${fname([...path, c.name])} ;;`).join('\n')}
    esac ;;
  esac`
    : ''
}
}`);
    for (const c of s.subcommands) walk(c, [...path, c.name]);
  };
  walk(root, []);
  return `#compdef stowaway
# zsh completion for stowaway: put it on $fpath as _stowaway, or source it after compinit
${fns.join('\n\n')}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _stowaway "$@"; else compdef _stowaway stowaway; fi
`;
}

export function fishCompletion(root: Spec): string {
  const out = [
    '# fish completion for stowaway: put it in ~/.config/fish/completions/stowaway.fish',
    'complete -c stowaway -f',
  ];
  const walk = (s: Spec, path: string[]) => {
    const cond = path.length === 0 ? `__fish_use_subcommand` : `__fish_seen_subcommand_from ${path.at(-1)}`;
    for (const c of s.subcommands)
      out.push(`complete -c stowaway -n '${cond}' -a '${esc(c.name)}' -d '${esc(c.description)}'`);
    if (s.positional.length) out.push(`complete -c stowaway -n '${cond}' -a '${words(s.positional)}'`);
    for (const o of s.options) {
      const parts = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`));
      const value = o.takesValue ? (o.choices?.length ? ` -x -a '${words(o.choices)}'` : ' -r') : '';
      out.push(`complete -c stowaway -n '${cond}' ${parts.join(' ')}${value} -d '${esc(o.description)}'`);
    }
    for (const c of s.subcommands) walk(c, [...path, c.name]);
  };
  walk(root, []);
  return `${out.join('\n')}\n`;
}

/** `stowaway completion bash|zsh|fish`: a completion script built from the commands and options themselves. */
export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', SHELLS.join(', ')).choices(SHELLS))
    .action((shell: string, _opts: unknown, cmd: Command) => {
      const root = spec(rootOf(cmd));
      const make: Record<Shell, (s: Spec) => string> = {
        bash: bashCompletion,
        zsh: zshCompletion,
        fish: fishCompletion,
      };
      process.stdout.write(make[shell as Shell](root));
    });
}
