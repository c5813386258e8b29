import type { RuleCondition, RuleOperators } from '@shared/domain/detection-rule.js';
import { globMatch, labelMatch } from '../lib/glob.js';
import type { FieldValue, Fields } from './fields.js';

/** Longest value a regex runs on: rule patterns come from files, values from containers; both are bounded. */
const REGEX_INPUT_MAX = 8192;

const scalarHolds = (op: RuleOperators, v: string | number | boolean): boolean => {
  const s = String(v);
  if (op.glob !== undefined && !globMatch(op.glob, s)) return false;
  if (op.equals !== undefined && String(op.equals) !== s) return false;
  if (op.in !== undefined && !op.in.some((x) => String(x) === s)) return false;
  if (op.contains !== undefined && !s.includes(op.contains)) return false;
  if (op.regex !== undefined && !new RegExp(op.regex).test(s.slice(0, REGEX_INPUT_MAX))) return false;
  const n = typeof v === 'number' ? v : Number.NaN;
  if (op.gt !== undefined && !(n > op.gt)) return false;
  if (op.gte !== undefined && !(n >= op.gte)) return false;
  if (op.lt !== undefined && !(n < op.lt)) return false;
  if (op.lte !== undefined && !(n <= op.lte)) return false;
  if (op.notGlob !== undefined && (Array.isArray(op.notGlob) ? op.notGlob : [op.notGlob]).some((g) => globMatch(g, s)))
    return false;
  return true;
};

const hasValueOps = (op: RuleOperators) =>
  Object.entries(op).some(([k, v]) => v !== undefined && k !== 'exists' && k !== 'label');

/** Whether one field satisfies one condition. A bare string is a glob, a bare number or boolean an equality. */
export function conditionHolds(cond: RuleCondition, value: FieldValue): boolean {
  const op: RuleOperators =
    typeof cond === 'object' ? cond : typeof cond === 'string' ? { glob: cond } : { equals: cond };
  const present = value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);
  if (op.exists !== undefined && op.exists !== present) return false;
  if (
    op.label !== undefined &&
    !(value !== undefined && typeof value === 'object' && !Array.isArray(value) && labelMatch(op.label, value))
  )
    return false;
  if (!hasValueOps(op)) return true;
  if (value === undefined) return false;
  if (Array.isArray(value)) return value.some((x) => scalarHolds(op, x));
  if (typeof value === 'object') return Object.entries(value).some(([k, x]) => scalarHolds(op, `${k}=${x}`));
  return scalarHolds(op, value);
}

/** Every condition of a rule holds on the object's fields. */
export function ruleMatches(match: Record<string, RuleCondition>, fields: Fields): boolean {
  return Object.entries(match).every(([field, cond]) => conditionHolds(cond, fields[field]));
}
