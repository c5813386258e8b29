import type { DetectionRule, RuleScope } from '@shared/domain/detection-rule.js';
import type { DetectorMeta } from '@shared/domain/finding.js';
import type { Detector, Hit } from '../detector.js';
import { oneLine } from '../lib/refs.js';
import { subjects, type FieldValue, type Fields } from './fields.js';
import { ruleMatches } from './match.js';

const KIND: Record<RuleScope, DetectorMeta['kind']> = {
  container: 'state',
  image: 'state',
  file: 'state',
  process: 'live',
  socket: 'live',
  event: 'event',
  exec: 'event',
};
const DATA: Record<RuleScope, string> = {
  container: 'container inspect (configuration)',
  process: 'process list of each container (host /proc when local, else top or exec)',
  socket: 'socket tables of each container network namespace (/proc/net), every snapshot',
  file: 'filesystem diff, scratch tmpfs listings and files written to named volumes of each container',
  image: 'image inspect and history',
  event: 'engine event history',
  exec: 'exec records (exec_create events and exec inspect)',
};

/** A rule file detector shows where it came from; findings carry the rule's id like any detector's. */
export interface RuleDetector extends Detector {
  rule: DetectionRule;
  file: string;
  line: number;
}

const show = (v: FieldValue): string =>
  v === undefined
    ? ''
    : Array.isArray(v)
      ? v.join(' ')
      : typeof v === 'object'
        ? Object.entries(v)
            .map(([k, x]) => `${k}=${x}`)
            .join(' ')
        : String(v);

/** `{field}` placeholders of the rule's summary, filled with the object's values (one line, bounded). */
function summarize(rule: DetectionRule, fields: Fields, where: string): string {
  if (!rule.summary) return `${rule.title} (rule ${rule.id} v${rule.version}): ${where}.`;
  return rule.summary.replace(/\{([a-zA-Z][a-zA-Z0-9_.-]{0,127})\}/g, (_, k: string) => oneLine(show(fields[k]), 160));
}

export function ruleDetector(rule: DetectionRule, file: string, line: number): RuleDetector {
  const meta: DetectorMeta = {
    id: rule.id,
    title: rule.title,
    strategy: rule.strategy,
    attack: rule.attack,
    severity: rule.severity,
    kind: KIND[rule.scope],
    dataSources: [DATA[rule.scope]],
    goal: rule.description,
    blindSpots: rule.blindSpots?.length ? rule.blindSpots : ['Not stated in the rule file.'],
    falsePositives: rule.falsePositives?.length
      ? rule.falsePositives
      : ['Not stated in the rule file; suppress by image, label or `ref` like any detector.'],
    response: rule.response,
    source: `${file}:${line}, rule version ${rule.version}`,
  };
  return {
    meta,
    rule,
    file,
    line,
    detect(ev) {
      const hits: Hit[] = [];
      for (const s of subjects(rule.scope, ev)) {
        if (!ruleMatches(rule.match, s.fields)) continue;
        const where = s.container ? `${s.container.container.name}: ${s.evidence.excerpt}` : s.evidence.excerpt;
        hits.push({
          container: s.container,
          subject: s.subject,
          at: s.at,
          ref: s.ref,
          cause: `rule:${rule.id}`,
          summary: summarize(rule, s.fields, oneLine(where, 300)),
          evidence: [s.evidence],
        });
      }
      return hits;
    },
  };
}
