import type { DetectorMeta, Finding, Severity } from '../../../shared/domain/finding.js';
import type { ScanResult } from '../../../shared/domain/scan.js';

/** SARIF levels for our severities: anything that needs acting on is an error for a CI gate. */
const LEVEL: Record<Severity, 'note' | 'warning' | 'error'> = { low: 'note', medium: 'warning', high: 'error', critical: 'error' };
/** GitHub code scanning reads `security-severity` (0-10) to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = { low: '3.0', medium: '5.5', high: '8.0', critical: '9.5' };

const attackUrl = (id: string) => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;

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
      text: [`Goal: ${meta.goal}`, `Response: ${meta.response.join(' ')}`, `Blind spots: ${meta.blindSpots.join(' ')}`, `False positives: ${meta.falsePositives.join(' ')}`].join('\n'),
    },
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: ['security', ...meta.attack, ...meta.strategy, meta.kind],
      'security-severity': SECURITY_SEVERITY[meta.severity],
      strategy: meta.strategy,
      attack: meta.attack,
      dataSources: meta.dataSources,
    },
  };
}

function result(f: Finding, ruleIndex: number, scan: ScanResult) {
  const where = f.container ? `${scan.engine.name}/${f.container.name}` : scan.engine.name;
  return {
    ruleId: f.detector,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: f.summary || f.title },
    locations: [
      {
        logicalLocations: [
          f.workload
            ? { name: f.container?.name ?? `${f.workload.kind}/${f.workload.name}`, fullyQualifiedName: `${scan.engine.endpoint}/namespaces/${f.workload.namespace}/${f.workload.kind.toLowerCase()}s/${f.workload.name}${f.workload.container ? `/containers/${f.workload.container}` : ''}`, kind: 'resource' }
            : f.container
            ? { name: f.container.name, fullyQualifiedName: `${scan.engine.endpoint}/containers/${f.container.id}`, kind: 'resource' }
            : { name: scan.engine.name, fullyQualifiedName: scan.engine.endpoint, kind: 'resource' },
        ],
        message: { text: where },
      },
    ],
    partialFingerprints: { 'stowawayFinding/v1': f.id },
    properties: {
      severity: f.severity,
      attack: f.attack,
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
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0' as const,
    runs: [
      {
        tool: { driver: { name: 'Stowaway', semanticVersion: toolVersion, version: toolVersion, informationUri: 'https://attack.mitre.org/', rules } },
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
              ...(e.containerId ? { locations: [{ logicalLocations: [{ fullyQualifiedName: `${scan.engine.endpoint}/containers/${e.containerId}`, kind: 'resource' }] }] } : {}),
            })),
          },
        ],
        results: [
          ...scan.findings.map((f) => result(f, index.get(f.detector) ?? -1, scan)),
          // Suppressed findings stay in the log as SARIF suppressions, so dashboards show what an allowlist hid.
          ...(scan.suppressed ?? []).map((f) => ({ ...result(f, index.get(f.detector) ?? -1, scan), suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: `suppressed by ${f.suppressedBy ?? 'an allowlist entry'}` }] })),
        ],
        properties: { engine: scan.engine, containers: scan.containers.length },
      },
    ],
  };
}
