import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CaseView } from '@shared/api/cases.js';
import { EXIT } from '../exit-codes.js';
import { table, terminalSafe } from '../format/text.js';
import { caseNamed, withCases } from '../case-context.js';
import type { EngineClient } from '../engine-client.js';
import { AppError, isAppError } from '@shared/errors.js';

/** `case verify --report FILE`: needs no case database, only the report (and the key the recipient trusts). */
async function verifyReportFile(
  engine: EngineClient,
  file: string,
  keyFile: string | undefined,
  json: boolean,
): Promise<number> {
  try {
    const r = await engine.call('reports.verify', { path: file, keyPath: keyFile });
    if (json) out(`${JSON.stringify(r, null, 2)}\n`);
    else {
      out(
        `${r.ok ? 'OK' : 'FAILED'}: ${terminalSafe(file, 200)}${r.custody ? `, custody head ${r.custody.head} (${r.custody.count} lines)` : ''}${r.keyFingerprint ? `, signed by ${r.keyFingerprint}` : ''}\n`,
      );
      for (const p of r.problems) out(`  ${terminalSafe(p, 300)}\n`);
      if (r.ok && !keyFile)
        out(
          "  The key is the one the report carries: compare its fingerprint with the sender's (stowaway case key), or pass --key.\n",
        );
    }
    return r.ok ? EXIT.ok : EXIT.findings;
  } catch (e) {
    // The file's own message (no such file, say), as the analyst would see it from any other tool.
    const original = isAppError(e) ? (e.details as { original?: string } | undefined)?.original : undefined;
    process.stderr.write(`stowaway case verify: ${original ?? (e as Error).message}\n`);
    return EXIT.usage;
  }
}

const caseRow = (c: CaseView) => [
  c.current ? '*' : '',
  c.id.slice(0, 8),
  terminalSafe(c.name, 60),
  c.status + (c.readOnly ? ' (read-only)' : ''),
  String(c.scanCount),
  String(c.findingCount),
  c.updatedAt.slice(0, 19).replace('T', ' '),
];
const caseTable = (list: CaseView[]) =>
  table(['', 'ID', 'NAME', 'STATUS', 'SCANS', 'FINDINGS', 'UPDATED'], list.map(caseRow));

function out(s: string) {
  process.stdout.write(s);
}

async function show(engine: EngineClient, c: CaseView, json: boolean): Promise<void> {
  const caseId = c.id;
  if (json) {
    const [scans, custody, notes] = await Promise.all([
      engine.call('cases.scans', { caseId }),
      engine.call('custody.list', { caseId }),
      engine.call('notes.list', { caseId }),
    ]);
    out(`${JSON.stringify({ case: c, scans, custody, notes }, null, 2)}\n`);
    return;
  }
  const f = await engine.call('findings.list', { caseId, limit: 20 });
  out(
    `Case ${terminalSafe(c.name, 256)}\n  id       ${c.id}\n  status   ${c.status}${c.readOnly ? ` (read-only, from ${terminalSafe(c.source ?? '', 200)})` : ''}\n  created  ${c.createdAt}\n  updated  ${c.updatedAt}\n  scans    ${c.scanCount}\n  findings ${c.findingCount}\n`,
  );
  if (f.items.length) {
    out('\n');
    out(
      table(
        ['SEVERITY', 'STATE', 'TITLE', 'CONTAINER'],
        f.items.map((x) => [x.severity, x.state, terminalSafe(x.title, 80), terminalSafe(x.container?.name ?? '', 40)]),
      ),
    );
    if (f.total > f.items.length)
      out(`… ${f.total - f.items.length} more (stowaway report ${c.id.slice(0, 8)} --format md)\n`);
  }
  const log = (await engine.call('custody.list', { caseId })).slice(-10);
  out('\nRecent custody log\n');
  out(
    table(
      ['#', 'TIME', 'ACTOR', 'ACTION', 'DETAIL'],
      log.map((l) => [
        String(l.seq),
        l.at.slice(0, 19).replace('T', ' '),
        terminalSafe(l.actor, 32),
        l.action,
        terminalSafe(l.detail, 100),
      ]),
    ),
  );
}

/** `stowaway case …`: create, switch, rename, close, archive and verify cases; add notes. */
export function registerCase(program: Command): void {
  const cmd = program
    .command('case')
    .description('manage investigation cases (findings, notes, evidence, custody log)');

  cmd
    .command('list')
    .description('list cases; * marks the current one')
    .option('--json', 'print JSON')
    .option('--no-archived', 'hide archived cases')
    .action((o: { json?: boolean; archived: boolean }) =>
      withCases('case list', async (engine) => {
        const list = await engine.call('cases.list', { includeArchived: o.archived });
        out(
          o.json
            ? `${JSON.stringify(list, null, 2)}\n`
            : list.length
              ? caseTable(list)
              : 'No cases yet: stowaway case create NAME\n',
        );
      }),
    );

  cmd
    .command('create <name>')
    .description('create a case and make it current')
    .option('--json', 'print JSON')
    .action((name: string, o: { json?: boolean }) =>
      withCases('case create', async (engine) => {
        const c = await engine.call('cases.create', { name });
        out(o.json ? `${JSON.stringify(c, null, 2)}\n` : `Created case ${terminalSafe(c.name, 256)} (${c.id})\n`);
      }),
    );

  cmd
    .command('show <case>')
    .description('show a case: status, findings, recent custody log')
    .option('--json', 'print JSON')
    .action((ref: string, o: { json?: boolean }) =>
      withCases('case show', async (engine) => show(engine, await caseNamed(engine, ref), !!o.json)),
    );

  cmd
    .command('open <case>')
    .description('make a case current (reopens it when closed)')
    .action((ref: string) =>
      withCases('case open', async (engine) => {
        const c = await engine.call('cases.open', { caseId: (await caseNamed(engine, ref)).id });
        out(`Current case: ${terminalSafe(c.name, 256)} (${c.id})\n`);
      }),
    );

  cmd
    .command('rename <case> <name>')
    .description('rename a case')
    .action((ref: string, name: string) =>
      withCases('case rename', async (engine) => {
        const c = await engine.call('cases.rename', { caseId: (await caseNamed(engine, ref)).id, name });
        out(`Renamed to ${terminalSafe(c.name, 256)}\n`);
      }),
    );

  for (const [verb, desc] of [
    ['close', 'close a case (no more edits until reopened)'],
    ['reopen', 'reopen a closed or archived case'],
    ['archive', 'archive a case'],
  ] as const) {
    cmd
      .command(`${verb} <case>`)
      .description(desc)
      .action((ref: string) =>
        withCases(`case ${verb}`, async (engine) => {
          const c = await engine.call(`cases.${verb}`, { caseId: (await caseNamed(engine, ref)).id });
          out(`Case ${terminalSafe(c.name, 256)} is ${c.status}\n`);
        }),
      );
  }

  cmd
    .command('note <case> [text...]')
    .description('add a Markdown note (text, --file, or stdin when no text is given)')
    .option('--file <path>', 'read the note from a file')
    .option('--finding <id>', 'attach the note to a finding')
    .option('--edit <note-id>', 'a new version of that note (the old text stays in the case)')
    .action((ref: string, words: string[], o: { file?: string; finding?: string; edit?: string }) =>
      withCases('case note', async (engine) => {
        const text = o.file ? readFileSync(o.file, 'utf8') : words.length ? words.join(' ') : readFileSync(0, 'utf8');
        const caseId = (await caseNamed(engine, ref)).id;
        const n = o.edit
          ? await engine.call('notes.edit', { caseId, noteId: o.edit, markdown: text })
          : await engine.call('notes.add', { caseId, markdown: text, findingId: o.finding });
        out(`${o.edit ? 'Edited' : 'Added'} note ${n.id}\n`);
      }),
    );

  cmd
    .command('verify [case]')
    .description('recompute every evidence hash, the custody chain and the signed seal; exit 1 on any mismatch')
    .option('--json', 'print JSON')
    .option(
      '--report <file>',
      'check a report (JSON, HTML or Markdown) instead: its seal signature and, for JSON, its custody log',
    )
    .option('--key <pem>', 'with --report: the public key the report must be signed with (from stowaway case key)')
    .action((ref: string | undefined, o: { json?: boolean; report?: string; key?: string }) => {
      if (o.report) return withCases('case verify', (engine) => verifyReportFile(engine, o.report!, o.key, !!o.json));
      return withCases('case verify', async (engine) => {
        if (!ref) throw new AppError('VALIDATION', 'name the case to verify, or give --report FILE');
        const r = await engine.call('evidence.verify', { caseId: (await caseNamed(engine, ref)).id });
        if (o.json) out(`${JSON.stringify(r, null, 2)}\n`);
        else {
          out(
            `Checked ${r.checked} evidence blobs and ${r.custodyEntries} custody entries: ${r.ok ? 'OK' : `${r.problems.length} PROBLEM(S)`}\n`,
          );
          for (const p of r.problems) out(`  ${p.kind}: ${terminalSafe(p.detail, 600)}\n`);
        }
        return r.ok ? EXIT.ok : EXIT.findings;
      });
    });

  cmd
    .command('key')
    .description("print this installation's public custody key (PEM), which signs case seals, reports and bundles")
    .action(() =>
      withCases('case key', async (engine) => {
        const k = await engine.call('custody.key', {});
        out(`${k.publicPem.trim()}\n`);
        process.stderr.write(`fingerprint ${k.fingerprint}\n`);
      }),
    );

  cmd
    .command('import <bundle>')
    .description('open an offline evidence bundle (from stowaway collect) as a read-only case')
    .action((file: string) =>
      withCases('case import', async (engine) => {
        const c = await engine.call('bundles.open', { path: file });
        out(
          `Imported ${terminalSafe(file, 200)} as read-only case ${terminalSafe(c.name, 200)} (${c.id}): ${c.findingCount} findings\n`,
        );
      }),
    );
}
