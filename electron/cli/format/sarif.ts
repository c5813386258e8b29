import type { DetectorMeta, Finding, Severity } from '@shared/domain/finding.js';
import type { ScanResult } from '@shared/domain/scan.js';
import {
  ATTACK_DOMAIN,
  ATTACK_VERSION,
  attackLabel,
  attackName,
  attackTactics,
  attackUrl,
} from '@shared/domain/attack-techniques.js';

/** SARIF levels for our severities: anything that needs acting on is an error for a CI gate. */
const LEVEL: Record<Severity, 'note' | 'warning' | 'error'> = {
  low: 'note',
  medium: 'warning',
  high: 'error',
  critical: 'error',
};
/** GitHub code scanning reads `security-severity` (0-10) to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = { low: '3.0', medium: '5.5', high: '8.0', critical: '9.5' };

const TAXONOMY = 'MITRE ATT&CK';

/** A technique as the bundled table names it: id, name and tactics (an id the table lacks keeps its id and none). */
const technique = (id: string) => ({ id, name: attackName(id), tactics: [...attackTactics(id)], url: attackUrl(id) });
const tacticsOf = (ids: readonly string[]) => [...new Set(ids.flatMap((t) => attackTactics(t)))];
/** Relationships from a rule to the ATT&CK taxa it detects, the way SARIF links a rule to a taxonomy. */
const relationships = (ids: readonly string[]) =>
  ids.map((id) => ({ target: { id, toolComponent: { name: TAXONOMY } }, kinds: ['relevant'] }));

function rule(meta: DetectorMeta) {
  return {
    id: meta.id,
    name: meta.id
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(''),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.goal },
    helpUri: attackUrl(meta.attack[0]!),
    help: {
      text: [
        `Goal: ${meta.goal}`,
        `ATT&CK (Enterprise v${ATTACK_VERSION}): ${meta.attack.map((t) => `${attackLabel(t)}${attackTactics(t).length ? ` [${attackTactics(t).join(', ')}]` : ''}`).join('; ')}`,
        `Response: ${meta.response.join(' ')}`,
        `Blind spots: ${meta.blindSpots.join(' ')}`,
        `False positives: ${meta.falsePositives.join(' ')}`,
      ].join('\n'),
    },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    relationships: relationships(meta.attack),
    properties: {
      // Dashboards filter on tags: technique ids, "T1610 Deploy Container" labels and the tactics.
      tags: [
        ...new Set([
          'security',
          ...meta.attack,
          ...meta.attack.map(attackLabel),
          ...tacticsOf(meta.attack),
          ...meta.strategy,
          meta.kind,
        ]),
      ],
      'security-severity': SECURITY_SEVERITY[meta.severity],
      strategy: meta.strategy,
      attack: meta.attack,
      techniques: meta.attack.map(technique),
      tactics: tacticsOf(meta.attack),
      dataSources: meta.dataSources,
    },
  };
}

function result(f: Finding, ruleIndex: number, scan: ScanResult) {
  const where = f.container ? `${scan.engine.name}/${f.container.name}` : scan.engine.name;
  return {
    ruleId: f.detector,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    ...(f.attack.length ? { taxa: f.attack.map((id) => ({ id, toolComponent: { name: TAXONOMY } })) } : {}),
    level: LEVEL[f.severity],
    message: { text: f.summary || f.title },
    locations: [
      {
        logicalLocations: [
          f.workload
            ? {
                name: f.container?.name ?? `${f.workload.kind}/${f.workload.name}`,
                fullyQualifiedName: `${scan.engine.endpoint}/namespaces/${f.workload.namespace}/${f.workload.kind.toLowerCase()}s/${f.workload.name}${f.workload.container ? `/containers/${f.workload.container}` : ''}`,
                kind: 'resource',
              }
            : f.container
              ? {
                  name: f.container.name,
                  fullyQualifiedName: `${scan.engine.endpoint}/containers/${f.container.id}`,
                  kind: 'resource',
                }
              : { name: scan.engine.name, fullyQualifiedName: scan.engine.endpoint, kind: 'resource' },
        ],
        message: { text: where },
      },
    ],
    partialFingerprints: { 'stowawayFinding/v1': f.id },
    properties: {
      severity: f.severity,
      attack: f.attack,
      techniques: f.attack.map(technique),
      tactics: tacticsOf(f.attack),
      kind: f.kind,
      containerId: f.container?.id,
      ...(f.workload ? { workload: f.workload } : {}),
      evidence: f.evidence.map((e) => ({ kind: e.kind, ref: e.ref, excerpt: e.excerpt, sha256: e.sha256 })),
    },
  };
}

/**
 * A scan as SARIF 2.1.0, for code-scanning dashboards and CI gates. Rules come from the detector catalogue
 * (every detector, so a clean scan still documents what was checked); findings of detectors not in the
 * catalogue still appear, without a rule index.
 */
export function toSarif(scan: ScanResult, metas: readonly DetectorMeta[], toolVersion: string) {
  const rules = metas.map(rule);
  const index = new Map(metas.map((m, i) => [m.id, i]));
  // Every technique a rule or a result names, as taxa of the bundled ATT&CK table: the one source of names and tactics.
  const ids = [
    ...new Set([
      ...metas.flatMap((m) => m.attack),
      ...scan.findings.flatMap((f) => f.attack),
      ...(scan.suppressed ?? []).flatMap((f) => f.attack),
    ]),
  ].sort();
  const taxonomy = {
    name: TAXONOMY,
    version: ATTACK_VERSION,
    organization: 'MITRE',
    informationUri: 'https://attack.mitre.org/',
    shortDescription: { text: `ATT&CK ${ATTACK_DOMAIN} v${ATTACK_VERSION}, as bundled with Stowaway` },
    taxa: ids.map((id) => ({
      id,
      name: attackName(id),
      shortDescription: { text: attackLabel(id) },
      helpUri: attackUrl(id),
      properties: { tactics: [...attackTactics(id)] },
    })),
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'Stowaway',
            semanticVersion: toolVersion,
            version: toolVersion,
            informationUri: 'https://attack.mitre.org/',
            rules,
            supportedTaxonomies: [{ name: TAXONOMY }],
          },
        },
        taxonomies: [taxonomy],
        automationDetails: { id: `stowaway-scan/${scan.engine.id}/${scan.scannedAt}` },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: scan.scannedAt,
            endTimeUtc: new Date(Date.parse(scan.scannedAt) + scan.durationMs).toISOString(),
            toolExecutionNotifications: scan.errors.slice(0, 1000).map((e) => ({
              level: 'warning' as const,
              message: { text: `${e.call}: ${e.message}` },
              descriptor: { id: e.code },
              ...(e.containerId
                ? {
                    locations: [
                      {
                        logicalLocations: [
                          {
                            fullyQualifiedName: `${scan.engine.endpoint}/containers/${e.containerId}`,
                            kind: 'resource',
                          },
                        ],
                      },
                    ],
                  }
                : {}),
            })),
          },
        ],
        results: [
          ...scan.findings.map((f) => result(f, index.get(f.detector) ?? -1, scan)),
          // Suppressed findings stay in the log as SARIF suppressions, so dashboards show what an allowlist hid.
          ...(scan.suppressed ?? []).map((f) => ({
            ...result(f, index.get(f.detector) ?? -1, scan),
            suppressions: [
              {
                kind: 'external' as const,
                status: 'accepted' as const,
                justification: `suppressed by ${f.suppressedBy ?? 'an allowlist entry'}`,
              },
            ],
          })),
        ],
        properties: { engine: scan.engine, containers: scan.containers.length },
      },
    ],
  };
}
