import { sealSummary, sealToken } from './report-seal.js';
import { SEVERITIES, type Finding } from '@shared/domain/finding.js';
import { groupByCause, groupSummary, type CauseGroup } from '@shared/domain/finding-groups.js';
import { DIGEST_ROWS_PER_DETECTOR, digestFindings } from './finding-digest.js';
import { escapeHtml as e } from './escape.js';
import { buildReportModel, detectorResponses, type ReportModel } from './report-model.js';
import type { CaseExport } from './case-export.js';
import { transportNote } from './scan-transport.js';
import { ATTACK_VERSION, attackLabel } from '@shared/domain/attack-techniques.js';

const techniques = (ids: string[], sep = ', ') => ids.map((t) => e(attackLabel(t))).join(sep);
// Table cells are narrow: the id alone keeps a row one line high, and the techniques table names each one.
const techniqueIds = (ids: string[]) => ids.map((t) => `<abbr title="${e(attackLabel(t))}">${e(t)}</abbr>`).join(', ');

/**
 * The HTML report: one self-contained file. No scripts, no external resources, and a CSP that forbids
 * them anyway, so a hostile string that somehow escaped escaping still cannot load or run anything.
 */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
:root { color-scheme: light; --fg:#1b1f24; --muted:#5b6470; --line:#d8dde3; --crit:#8b0000; --high:#c0392b; --med:#d68910; --low:#2e86c1; }
* { box-sizing: border-box; }
body { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 24px auto; max-width: 1100px; padding: 0 16px; }
td.insecure { color: var(--high); font-weight: 600; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 28px; } h3 { font-size: 14px; margin: 18px 0 6px; }
.muted { color: var(--muted); } code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; } th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f2f4f7; white-space: nowrap; }
.sev { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-weight: 600; font-size: 11px; text-transform: uppercase; }
.sev-critical { background: var(--crit); } .sev-high { background: var(--high); } .sev-medium { background: var(--med); } .sev-low { background: var(--low); }
.finding { border: 1px solid var(--line); border-left: 4px solid var(--line); padding: 6px 10px; margin: 8px 0; break-inside: avoid; }
.finding.critical { border-left-color: var(--crit); } .finding.high { border-left-color: var(--high); } .finding.medium { border-left-color: var(--med); } .finding.low { border-left-color: var(--low); }
.ev { margin: 2px 0 0 12px; } pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 6px; border: 1px solid var(--line); }
.kpis { display: flex; gap: 12px; flex-wrap: wrap; } .kpi { border: 1px solid var(--line); padding: 6px 12px; min-width: 110px; } .kpi b { display: block; font-size: 20px; }
.done { color: #1e7e34; } .todo { color: var(--muted); }
/* Times and sequence numbers stay on one line: wrapping anywhere would squeeze their columns to a character. */
.nowrap { white-space: nowrap; overflow-wrap: normal; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } .finding, tr { break-inside: avoid; } }
`;

const sev = (s: string) => `<span class="sev sev-${e(s)}">${e(s)}</span>`;

function findingHtml(f: Finding): string {
  const ev = f.evidence
    .map(
      (x) =>
        `<div class="ev"><b>${e(x.kind)}</b> <code>${e(x.ref)}</code>: ${e(x.excerpt)}${x.sha256 ? ` <span class="muted mono">sha256 ${e(x.sha256)}</span>` : ''}</div>`,
    )
    .join('');
  return `<div class="finding ${e(f.severity)}" id="f-${e(f.id)}">
<div>${sev(f.severity)} <b>${e(f.title)}</b> <span class="muted">[${e(f.state)}${f.suppressedBy ? ` by ${e(f.suppressedBy)}` : ''}]</span> <span class="attack">${techniques(f.attack)}</span></div>
<div>${e(f.summary)}</div>
<div class="muted small">detector <code>${e(f.detector)}</code>${f.container ? ` · container <code>${e(f.container.name)}</code> <span class="mono">${e(f.container.id.slice(0, 12))}</span>` : ''}${f.firstSeen ? ` · first seen ${e(f.firstSeen)}` : ''} · id <span class="mono">${e(f.id)}</span></div>
${ev}</div>`;
}

/** Informational findings of one cause as one block: the count, the containers sharing it, the first finding in full. */
function causeHtml(g: CauseGroup): string {
  if (g.findings.length === 1) return findingHtml(g.findings[0]!);
  const names =
    g.containers
      .slice(0, 30)
      .map((n) => `<code>${e(n)}</code>`)
      .join(', ') + (g.containers.length > 30 ? ` and ${g.containers.length - 30} more` : '');
  return `<div class="finding low" id="g-${e(g.detector)}-${e(g.cause)}">
<div>${sev(g.severity)} <b>${e(g.title)}</b> <span class="attack">${techniques(g.attack)}</span> <span class="muted">${g.findings.length} findings, cause <code>${e(g.cause)}</code></span></div>
<div>${e(groupSummary(g))}</div>
${names ? `<div class="muted small">containers: ${names}</div>` : ''}
<div class="muted small">detector <code>${e(g.detector)}</code> · ids <span class="mono">${g.findings
    .slice(0, 10)
    .map((f) => e(f.id))
    .join(', ')}${g.findings.length > 10 ? ', …' : ''}</span></div></div>`;
}

function section(title: string, body: string): string {
  return `<section><h2>${e(title)}</h2>${body}</section>\n`;
}

/** One table row per finding: what the digest of a very large case uses instead of a block each. */
function findingRow(f: Finding): string {
  const x = f.evidence[0];
  return `<tr><td>${sev(f.severity)}</td><td>${e(f.title)}<div class="muted">${e(f.summary)}</div></td><td>${f.container ? `<code>${e(f.container.name)}</code>` : ''}</td><td class="mono">${techniqueIds(f.attack)}</td><td>${e(f.state)}</td><td>${x ? `<b>${e(x.kind)}</b> <code>${e(x.ref)}</code>: ${e(x.excerpt)}${x.sha256 ? ` <span class="muted mono">${e(x.sha256.slice(0, 16))}…</span>` : ''}` : ''}</td></tr>`;
}

export interface HtmlOptions {
  /**
   * For printing very large cases: findings as a per-detector digest of table rows rather than a block each,
   * a shorter timeline, and print CSS that lets Chromium paginate without measuring every row twice.
   */
  compact?: boolean;
  /** Findings listed per detector in the compact digest (default DIGEST_ROWS_PER_DETECTOR). */
  digestRows?: number;
}

// Fixed table layout sizes columns once instead of from every cell; rows may split across pages.
const COMPACT_STYLE = `table.digest { table-layout: fixed; font-size: 11px; } table.digest td { overflow-wrap: break-word; padding: 2px 4px; }
@media print { .finding, tr { break-inside: auto; } }`;

function digestSection(data: CaseExport, perDetector = DIGEST_ROWS_PER_DETECTOR): string {
  const titles = new Map(data.detectors.map((d) => [d.id, d.title]));
  const digest = digestFindings(data.findings, perDetector);
  const head = `<p class="muted">${data.findings.length} findings from ${digest.length} detector(s). Each detector lists at most ${perDetector} findings, triaged ones first; the JSON export of this case holds every finding with all its evidence.</p>`;
  return (
    head +
    digest
      .map((g) => {
        const sevs = [...SEVERITIES]
          .reverse()
          .filter((s) => g.bySeverity[s] > 0)
          .map((s) => `${g.bySeverity[s]} ${e(s)}`)
          .join(', ');
        const more = g.count - g.shown.length;
        return `<h3>${sev(g.worst)} <code>${e(g.detector)}</code> ${e(titles.get(g.detector) ?? '')}</h3>
<div class="muted">${g.count} finding(s): ${sevs} · ${g.containers} container(s) · ${techniques(g.techniques, '; ')}</div>
<table class="digest"><colgroup><col style="width:11%"><col style="width:27%"><col style="width:14%"><col style="width:10%"><col style="width:12%"><col style="width:26%"></colgroup><tr><th>Severity</th><th>Finding</th><th>Container</th><th>ATT&amp;CK</th><th>State</th><th>Evidence</th></tr>${g.shown.map(findingRow).join('')}</table>${more > 0 ? `<p class="muted">and ${more} more finding(s) of this detector: see the JSON export.</p>` : ''}`;
      })
      .join('\n')
  );
}

/** The custody head and the signed seal, so a printout can be matched to its case and checked (`case verify --report`). */
function sealHtml(data: CaseExport): string {
  const s = sealSummary(data.seal);
  if (!s || !data.seal) return '<div class="muted">custody head: the case carries no seal</div>';
  return `<div class="muted">custody head <span class="mono" data-custody-head>${e(s.head)}</span> (${s.count} lines) · seal ${s.signed ? 'signed' : '<b>not signed</b>'} by Ed25519 key <span class="mono">${e(s.key)}</span></div>
<div class="mono muted" style="word-break:break-all;font-size:7px" data-seal>${e(sealToken(data.seal))}</div>`;
}

export function renderHtml(
  data: CaseExport,
  model: ReportModel = buildReportModel(data),
  opts: HtmlOptions = {},
): string {
  const c = data.case;
  const out: string[] = [];
  out.push(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stowaway case report: ${e(c.name)}</title><style>${STYLE}${opts.compact ? COMPACT_STYLE : ''}</style></head><body>`);
  out.push(`<header><h1>Case report: ${e(c.name)}</h1>
<div class="muted">case <span class="mono">${e(c.id)}</span> · status ${e(c.status)}${c.readOnly ? ' · imported read-only' : ''} · generated ${e(data.generatedAt)} by ${e(data.generatedBy)} · Stowaway ${e(data.stowawayVersion)}</div>
<div class="muted">case sha256 <span class="mono" data-case-sha256>${e(data.caseSha256)}</span></div>
${sealHtml(data)}</header>`);

  const kpi = (label: string, value: string | number) => `<div class="kpi"><b>${e(value)}</b>${e(label)}</div>`;
  out.push(
    section(
      'Summary',
      `<div class="kpis">${kpi('risk score', model.risk)}${kpi('findings', data.findings.length)}${kpi('critical', model.bySeverity.critical)}${kpi('high', model.bySeverity.high)}${kpi('medium', model.bySeverity.medium)}${kpi('low', model.bySeverity.low)}${kpi('confirmed', model.byState.confirmed)}${kpi('false positives', model.byState['false-positive'])}${kpi('containers', data.containers.length)}${kpi('scans', data.scans.length)}</div>
<h3>Engines</h3><table><tr><th>Engine</th><th>Endpoint</th><th>Version</th><th>Transport</th></tr>${data.engines.map((g) => `<tr><td>${e(g.name)}</td><td class="mono">${e(g.endpoint)}</td><td>${e(g.serverVersion ?? '')}</td><td${g.insecure ? ' class="insecure" data-insecure' : ''}>${e(transportNote(g.insecure))}</td></tr>`).join('')}</table>
<h3>Scans</h3><table><tr><th>Time</th><th>Engine</th><th>Containers</th><th>Findings</th><th>Errors</th><th>Result sha256</th></tr>${data.scans.map((s) => `<tr><td>${e(s.scannedAt)}</td><td>${e(s.engineId)}</td><td>${s.containerCount}</td><td>${s.findingCount}</td><td>${s.errorCount}</td><td class="mono">${e(s.resultSha256)}</td></tr>`).join('')}</table>
<h3>ATT&amp;CK techniques</h3><p class="muted">Names and tactics from ATT&amp;CK Enterprise v${ATTACK_VERSION}.</p><table><tr><th>Technique</th><th>Name</th><th>Tactics</th><th>Findings</th><th>Worst severity</th></tr>${model.techniques.map((t) => `<tr><td class="mono nowrap">${e(t.id)}</td><td>${e(t.name)}</td><td>${e(t.tactics.join(', '))}</td><td>${t.count}</td><td>${sev(t.worst)}</td></tr>`).join('')}</table>`,
    ),
  );

  out.push(
    opts.compact
      ? section('Findings by detector', digestSection(data, opts.digestRows))
      : section(
          'Findings by severity',
          model.groups.length === 0
            ? '<p class="muted">No findings.</p>'
            : model.groups
                .map(
                  (g) =>
                    `<h3>${sev(g.severity)} ${g.findings.length} finding(s)</h3>${g.severity === 'low' ? groupByCause(g.findings).map(causeHtml).join('\n') : g.findings.map(findingHtml).join('\n')}`,
                )
                .join('\n'),
        ),
  );

  out.push(
    section(
      'Response',
      model.response
        .map(
          ({
            step,
            done,
          }) => `<h3>${e(step.title)} <span class="${done.length ? 'done' : 'todo'}">${done.length ? `${done.length} action(s) recorded` : 'nothing recorded yet'}</span></h3>
<p class="muted">${e(step.prescribed)}</p>${
            done.length
              ? `<ul>${done
                  .slice(-50)
                  .map(
                    (d) =>
                      `<li><span class="mono">${e(d.at)}</span> ${e(d.actor)} · ${e(d.action)}: ${e(d.detail)}</li>`,
                  )
                  .join('')}</ul>`
              : ''
          }`,
        )
        .join('') +
        (data.detectors.length
          ? `<h3>Detector-specific response</h3>${detectorResponses(data)
              .map((r) => `<p><b>${e(r.detector)}</b></p><ul>${r.lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>`)
              .join('')}`
          : ''),
    ),
  );

  if (data.suppressions.length) {
    out.push(
      section(
        'Allowlist',
        `<table><tr><th>Entry</th><th>Detectors</th><th>Match</th><th>Reason</th><th>Owner</th></tr>${data.suppressions.map((s) => `<tr><td class="mono">${e(s.id)}@v${s.version}</td><td>${e(s.detectors.join(', '))}</td><td class="mono">${e(JSON.stringify(s.match))}</td><td>${e(s.reason)}</td><td>${e(s.owner ?? '')}</td></tr>`).join('')}</table>`,
      ),
    );
  }
  out.push(
    section(
      'Blind spots',
      `<table><tr><th>Source</th><th>Blind spot</th></tr>${model.blindSpots.map((b) => `<tr><td>${e(b.source)}</td><td>${e(b.text)}</td></tr>`).join('')}</table>`,
    ),
  );

  out.push(
    section(
      'Notes',
      data.notes.length === 0
        ? '<p class="muted">No notes.</p>'
        : data.notes
            .map(
              (n) =>
                `<div><div class="muted">${e(n.createdAt)} · ${e(n.author)}${n.findingId ? ` · on finding <span class="mono">${e(n.findingId)}</span>` : ''}</div><pre>${e(n.markdown)}</pre></div>`,
            )
            .join(''),
    ),
  );

  const timeline = opts.compact ? model.timeline.slice(-100) : model.timeline;
  out.push(
    section(
      'Timeline',
      `${timeline.length < model.timeline.length ? `<p class="muted">Last ${timeline.length} of ${model.timeline.length} entries; the JSON export has all.</p>` : ''}<table><tr><th>Time</th><th>Kind</th><th>Event</th></tr>${timeline.map((t) => `<tr><td class="mono nowrap">${e(t.at)}</td><td>${e(t.label)}</td><td>${e(t.text)}</td></tr>`).join('')}</table>`,
    ),
  );

  out.push(
    section(
      'Evidence',
      `<table><tr><th>sha256</th><th>Kind</th><th>Source</th><th>Collected</th><th>By</th><th>Size</th></tr>${data.evidence
        .map(
          (v) =>
            `<tr><td class="mono">${e(v.sha256)}</td><td>${e(v.kind)}</td><td class="mono">${e(v.sourceCall)}</td><td>${e(v.collectedAt)}</td><td>${e(v.collectedBy)} (${e(v.collectorVersion)})</td><td>${v.size}</td></tr>`,
        )
        .join('')}</table>`,
    ),
  );

  out.push(
    section(
      'Custody log',
      `<table><tr><th>#</th><th>Time</th><th>Actor</th><th>Action</th><th>Detail</th></tr>${data.custody.map((l) => `<tr><td class="nowrap">${l.seq}</td><td class="mono nowrap">${e(l.at)}</td><td>${e(l.actor)}</td><td>${e(l.action)}</td><td>${e(l.detail)}</td></tr>`).join('')}</table>`,
    ),
  );
  out.push('</body></html>\n');
  return out.join('\n');
}
