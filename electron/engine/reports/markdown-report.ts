import { sealSummary, sealToken } from './report-seal.js';
import { escapeMarkdown as m, markdownCode as code } from './escape.js';
import { groupByCause, groupSummary } from '@shared/domain/finding-groups.js';
import { buildReportModel, detectorResponses, type ReportModel } from './report-model.js';
import type { CaseExport } from './case-export.js';
import { transportNote } from './scan-transport.js';
import { ATTACK_VERSION, attackLabel } from '@shared/domain/attack-techniques.js';

const cell = (s: string | number | undefined) => m(s ?? '');

/**
 * Markdown for issue trackers and wikis. Every value from a container goes through escapeMarkdown (or a code
 * span whose fence outgrows any backticks inside), so it cannot add headings, links, images or HTML.
 */
export function renderMarkdown(data: CaseExport, model: ReportModel = buildReportModel(data)): string {
  const c = data.case;
  const out: string[] = [];
  out.push(`# Case report: ${m(c.name)}`, '');
  out.push(`- Case: ${code(c.id)} (${m(c.status)}${c.readOnly ? ', imported read-only' : ''})`);
  out.push(`- Case sha256: ${code(data.caseSha256)}`);
  const seal = sealSummary(data.seal);
  if (seal && data.seal) {
    out.push(
      `- Custody head: ${code(seal.head)} (${seal.count} lines), seal ${seal.signed ? 'signed' : '**not signed**'} by Ed25519 key ${code(seal.key)}`,
    );
    out.push(`- Seal: ${code(sealToken(data.seal))}`);
  } else out.push('- Custody head: the case carries no seal');
  out.push(`- Generated: ${m(data.generatedAt)} by ${m(data.generatedBy)}, Stowaway ${m(data.stowawayVersion)}`, '');

  out.push('## Summary', '');
  out.push(
    `Risk score **${model.risk}**; ${data.findings.length} findings: ${model.bySeverity.critical} critical, ${model.bySeverity.high} high, ${model.bySeverity.medium} medium, ${model.bySeverity.low} low. Triage: ${model.byState.confirmed} confirmed, ${model.byState['false-positive']} false positive, ${model.byState.suppressed} suppressed, ${model.byState.new} new. ${data.containers.length} containers in ${data.scans.length} scans.`,
    '',
  );
  if (data.engines.length) {
    out.push('| Engine | Endpoint | Version | Transport |', '|---|---|---|---|');
    for (const g of data.engines)
      out.push(
        `| ${cell(g.name)} | ${cell(g.endpoint)} | ${cell(g.serverVersion)} | ${cell(transportNote(g.insecure))} |`,
      );
    out.push('');
  }
  if (model.techniques.length) {
    out.push(`ATT&CK techniques (names and tactics from ATT&CK Enterprise v${ATTACK_VERSION}):`, '');
    out.push('| Technique | Name | Tactics | Findings | Worst severity |', '|---|---|---|---|---|');
    for (const t of model.techniques)
      out.push(`| ${cell(t.id)} | ${cell(t.name)} | ${cell(t.tactics.join(', '))} | ${t.count} | ${t.worst} |`);
    out.push('');
  }

  out.push('## Findings by severity', '');
  if (model.groups.length === 0) out.push('No findings.', '');
  for (const g of model.groups) {
    out.push(`### ${g.severity} (${g.findings.length})`, '');
    if (g.severity === 'low') {
      // Informational findings by cause: one entry per condition, with the containers that share it.
      for (const c of groupByCause(g.findings)) {
        out.push(
          `- **${m(c.title)}** ${c.attack.map((t) => m(attackLabel(t))).join(', ')}: ${c.findings.length} finding(s)${c.containers.length ? ` on ${c.containers.slice(0, 20).map(code).join(', ')}${c.containers.length > 20 ? ` and ${c.containers.length - 20} more` : ''}` : ''}`,
        );
        out.push(`  ${m(groupSummary(c))}`);
        out.push(
          `  detector ${code(c.detector)}, cause ${code(c.cause)}, ids ${c.findings
            .slice(0, 10)
            .map((f) => code(f.id))
            .join(', ')}${c.findings.length > 10 ? ', …' : ''}`,
        );
      }
      out.push('');
      continue;
    }
    for (const f of g.findings) {
      out.push(
        `- **${m(f.title)}** \\[${m(f.state)}${f.suppressedBy ? ` by ${m(f.suppressedBy)}` : ''}\\] ${f.attack.map((t) => m(attackLabel(t))).join(', ')}${f.container ? ` in ${code(f.container.name)}` : ''}`,
      );
      out.push(`  ${m(f.summary)}`);
      out.push(`  detector ${code(f.detector)}, id ${code(f.id)}`);
      for (const x of f.evidence)
        out.push(`  - ${m(x.kind)} ${code(x.ref)}: ${m(x.excerpt)}${x.sha256 ? ` (sha256 ${code(x.sha256)})` : ''}`);
    }
    out.push('');
  }

  out.push('## Response', '');
  for (const { step, done } of model.response) {
    out.push(`### ${step.title}`, '', step.prescribed, '');
    if (done.length === 0) out.push('_Nothing recorded yet._', '');
    else {
      for (const d of done.slice(-50)) out.push(`- ${m(d.at)} ${m(d.actor)}, ${m(d.action)}: ${m(d.detail)}`);
      out.push('');
    }
  }
  for (const r of detectorResponses(data)) {
    out.push(`**${m(r.detector)}**`, '');
    for (const l of r.lines) out.push(`- ${m(l)}`);
    out.push('');
  }

  out.push('## Blind spots', '');
  for (const b of model.blindSpots) out.push(`- ${m(b.source)}: ${m(b.text)}`);
  out.push('');

  out.push('## Notes', '');
  if (data.notes.length === 0) out.push('No notes.', '');
  for (const n of data.notes) {
    // Notes are the analyst's own Markdown, but they may quote container output: show them as quoted text.
    out.push(`${m(n.createdAt)}, ${m(n.author)}${n.findingId ? `, on finding ${code(n.findingId)}` : ''}:`, '');
    for (const line of n.markdown.split(/\r?\n/)) out.push(`> ${m(line)}`);
    out.push('');
  }

  out.push('## Evidence', '', '| sha256 | Kind | Source | Collected | By |', '|---|---|---|---|---|');
  for (const v of data.evidence)
    out.push(
      `| ${code(v.sha256)} | ${cell(v.kind)} | ${cell(v.sourceCall)} | ${cell(v.collectedAt)} | ${cell(v.collectedBy)} |`,
    );
  out.push('');

  out.push('## Custody log', '', '| # | Time | Actor | Action | Detail |', '|---|---|---|---|---|');
  for (const l of data.custody)
    out.push(`| ${l.seq} | ${cell(l.at)} | ${cell(l.actor)} | ${cell(l.action)} | ${cell(l.detail)} |`);
  out.push('');
  return out.join('\n');
}
