import { RULE_SCOPES } from '@shared/domain/detection-rule.js';
import { SCOPE_FIELDS } from './fields.js';

/** The rule file format, for the generated catalogue: what an analyst needs to write a rule for today's incident. */
export function renderRuleFormat(): string[] {
  return [
    '## Rules as code',
    '',
    'Besides the built-in detectors, a scan loads versioned YAML rules from a rules directory: `stowaway scan --rules DIR`, and by',
    'default the `rules/` folder of the data directory. `stowaway detectors --rules DIR` lists them with their source file, and',
    '`stowaway detectors --test DIR --evidence FILE` (or `--bundle FILE`) runs them against recorded evidence. A rule that does not',
    'validate is reported with its file and line and left out; the scan goes on with the rest.',
    '',
    '```yaml',
    'version: 1',
    'rules:',
    '  - id: site.miner-download        # unique, not a built-in id; findings carry it',
    '    version: 2                     # bump on every change: findings name id@version through the source',
    '    title: Miner fetched with curl',
    '    severity: high                 # low, medium, high, critical',
    '    attack: [T1105]',
    '    scope: process                 # ' + RULE_SCOPES.join(', '),
    '    description: curl or wget fetching from the pool our incident used.',
    '    match:                         # every condition must hold',
    '      comm: { in: [curl, wget] }',
    '      cmdline: "*pool.example*"    # a bare string is a glob (* and ?), as in suppressions',
    '      container.image: { notGlob: "registry.example/*" }',
    '    summary: "{container.name} ran {cmdline}"',
    '    response: [Isolate the container and preserve it.]',
    '```',
    '',
    'Operators: `glob`, `equals`, `in`, `contains`, `regex` (up to 256 characters), `gt`, `gte`, `lt`, `lte`, `exists`, `label`',
    '(`key` or `key=value-glob` on a map, as suppressions match labels) and `notGlob`. On a list field a condition holds when one',
    'element satisfies it; on a map field, when one `key=value` pair does. Optional: `strategy`, `blindSpots`, `falsePositives`, `owner`.',
    '',
    '| Scope | Fields |',
    '|---|---|',
    ...RULE_SCOPES.map(
      (s) =>
        `| ${s} | ${SCOPE_FIELDS[s].map((f) => `\`${f}\``).join(', ')}${s === 'process' ? ', `env.NAME`' : s === 'event' ? ', `attributes.NAME`' : s === 'container' ? ', `labels.NAME`' : ''}${s !== 'container' && s !== 'image' ? '; `container.name`, `container.image`, `container.imageId`, `container.user`, `container.privileged`, `container.networkMode`, `container.labels`, `container.state`' : ''} |`,
    ),
    '',
  ];
}
