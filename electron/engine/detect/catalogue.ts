import type { DetectorMeta } from '@shared/domain/finding.js';
import { renderCoverage } from './coverage.js';
import { renderRuleFormat } from './rules/rule-format-doc.js';
import { renderKubeCoverage } from './kube-coverage.js';
import { ATTACK_VERSION, attackLabel, attackTactics, attackUrl } from '@shared/domain/attack-techniques.js';

/** The two Alerting & Detection Strategy reports the detectors implement, with the loose technique each report names. */
export const STRATEGIES: Record<
  DetectorMeta['strategy'][number],
  { title: string; tactic: string; reportAttack: string }
> = {
  'ADS-evasion': {
    title: 'Detect Adversarial Attempts to Bypass Security Monitoring Using Containers (defense evasion)',
    tactic: 'Defense Evasion',
    reportAttack: 'T1564.007, named by the report only as an analogue',
  },
  'ADS-c2-abuse': {
    title: 'Detect Adversarial Attempts to Bypass Security Monitoring Using Containers (command and control, abuse)',
    tactic: 'Command and Control',
    reportAttack: 'T1001.001, named by the report as its mapping',
  },
};

const KIND_TEXT: Record<DetectorMeta['kind'], string> = {
  state: 'state (one point-in-time collection shows it)',
  live: 'live (the process or socket must exist at collection time)',
  event: 'event (the event history or audit log shows it)',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const bullets = (xs: string[]) => xs.map((x) => `- ${x}`).join('\n');

/**
 * The detector catalogue as Markdown, generated from the metadata so it cannot drift from the code;
 * a unit test fails when the committed file differs from this output.
 */
export function renderCatalogue(detectors: readonly { meta: DetectorMeta }[]): string {
  const out: string[] = [];
  out.push('# Stowaway detector catalogue', '');
  out.push(
    '<!-- Generated from the detector metadata by `npx tsx electron/engine/detect/write-catalogue.ts`; do not edit by hand. -->',
    '',
  );
  out.push(
    'Each detector is a pure function from the evidence Stowaway collects without an agent (Engine API, host `/proc` and overlay',
    'directories when the engine is local, engine events, Kubernetes audit logs) to findings. Every finding names precise ATT&CK',
    'techniques, carries evidence references with hashes, and has a stable id so re-scans do not duplicate it.',
    `Technique names and tactics are those of ATT&CK Enterprise v${ATTACK_VERSION}.`,
    '',
  );
  out.push('## Strategies implemented', '');
  for (const [id, s] of Object.entries(STRATEGIES)) {
    const n = detectors.filter((d) => d.meta.strategy.includes(id as DetectorMeta['strategy'][number])).length;
    out.push(
      `- **${id}**: ${s.title}. Tactic: ${s.tactic}. The report's own mapping (${s.reportAttack}) is loose; each detector below maps to precise techniques. ${n} detectors.`,
    );
  }
  out.push('');
  out.push('## Summary', '');
  out.push('| Detector | Title | Strategy | ATT&CK | Severity | Kind |', '|---|---|---|---|---|---|');
  for (const { meta: m } of detectors)
    out.push(
      `| [\`${m.id}\`](#${m.id}) | ${cell(m.title)} | ${m.strategy.join(', ')} | ${m.attack.join(', ')} | ${m.severity} | ${m.kind} |`,
    );
  out.push('');
  out.push('## Suppression', '');
  out.push(
    'Allowlists and baselines are versioned suppression entries (`id`, `version`, `reason`, `detectors`, and a `match` on image, label,',
    "engine, container name or the finding's reference, optionally capped by `maxSeverity` and `expires`). A suppressed finding is",
    'returned separately with `suppressedBy: <id>@v<version>` and shown in reports; nothing is dropped silently.',
    '',
  );
  out.push('## Out of scope without a kernel sensor', '');
  out.push(
    'Transient actions that leave no lasting artifact need a syscall stream (Falco, Tracee, Tetragon) and are not claimed here:',
    'reads of sensitive files (`/etc/shadow`, `~/.ssh`, service-account tokens), `setuid`/`ptrace`/`process_vm_writev` calls,',
    'processes and connections that start and end between two collections, and kernel rootkits that also hide from the host `/proc`.',
    '',
  );
  for (const { meta: m } of detectors) {
    out.push(`## ${m.id}`, '');
    out.push(`**${m.title}**. Severity ${m.severity}; ${KIND_TEXT[m.kind]}.`, '');
    out.push(`- Strategy: ${m.strategy.map((s) => `${s} (${STRATEGIES[s].tactic})`).join('; ')}`);
    out.push(`- ATT&CK: ${m.attack.map((t) => `[${attackLabel(t)}](${attackUrl(t)})`).join(', ')}`);
    out.push(`- Tactics: ${[...new Set(m.attack.flatMap((t) => attackTactics(t)))].join(', ')}`);
    if (m.source) out.push(`- Source: rule file \`${cell(m.source)}\``);
    out.push('');
    out.push('### Goal', '', m.goal, '');
    out.push('### Data used', '', bullets(m.dataSources), '');
    out.push('### Blind spots', '', bullets(m.blindSpots), '');
    out.push('### False positives and how they are suppressed', '', bullets(m.falsePositives), '');
    out.push('### Response', '', bullets(m.response), '');
  }
  out.push(...renderRuleFormat());
  out.push(renderCoverage());
  out.push(...renderKubeCoverage());
  return out.join('\n');
}
