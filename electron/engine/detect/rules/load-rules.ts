import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { DetectionRuleSchema, RuleFileSchema, type DetectionRule } from '@shared/domain/detection-rule.js';
import { knownField } from './fields.js';
import { ruleDetector, type RuleDetector } from './rule-detector.js';
import { lineOf, yamlLines } from './yaml-lines.js';

/** One problem in a rules directory: the file, the line to fix and what is wrong. The rest of the rules still load. */
export interface RuleError {
  file: string;
  line: number;
  message: string;
}

export interface LoadedRules {
  dir: string;
  detectors: RuleDetector[];
  errors: RuleError[];
}

/** Bounds: a rules directory is input like any other. */
export const RULE_LIMITS = { files: 500, fileBytes: 1024 * 1024 } as const;

export const formatRuleError = (e: RuleError): string => `${e.file}:${e.line}: ${e.message}`;

/**
 * Parses one rule file. Each rule is validated on its own, so one bad rule costs only itself; errors name the line of
 * the offending node. `taken` holds the ids already in use (built-ins and earlier files).
 */
export function parseRuleFile(
  text: string,
  file: string,
  taken: Set<string>,
): { detectors: RuleDetector[]; errors: RuleError[] } {
  const errors: RuleError[] = [];
  const detectors: RuleDetector[] = [];
  let doc: unknown;
  try {
    doc = loadYaml(text, { schema: CORE_SCHEMA, maxAliases: 0 });
  } catch (e) {
    const mark = (e as { mark?: { line?: number } }).mark;
    return {
      detectors,
      errors: [
        {
          file,
          line: (mark?.line ?? 0) + 1,
          message: `not valid YAML: ${((e as Error & { reason?: string }).reason ?? (e as Error).message).split('\n')[0]}`,
        },
      ],
    };
  }
  const lines = yamlLines(text);
  const head = RuleFileSchema.safeParse(doc);
  if (!head.success) {
    const issue = head.error.issues[0]!;
    return {
      detectors,
      errors: [
        {
          file,
          line: lineOf(lines, issue.path),
          message: `${issue.path.join('.') || '(file)'}: ${issue.message} (a rule file is \`version: 1\` and a list of \`rules\`)`,
        },
      ],
    };
  }
  head.data.rules.forEach((raw, i) => {
    const parsed = DetectionRuleSchema.safeParse(raw);
    const at = ['rules', i];
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const id =
        typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
          ? ` (${String((raw as { id: string }).id).slice(0, 128)})`
          : '';
      errors.push({
        file,
        line: lineOf(lines, [...at, ...issue.path]),
        message: `rule ${i + 1}${id}: ${issue.path.join('.') || '(rule)'}: ${issue.message}`,
      });
      return;
    }
    const rule: DetectionRule = parsed.data;
    const unknown = Object.keys(rule.match).find((f) => !knownField(rule.scope, f));
    if (unknown) {
      errors.push({
        file,
        line: lineOf(lines, [...at, 'match', unknown]),
        message: `rule ${rule.id}: scope ${rule.scope} has no field "${unknown}" (see the rule format in DETECTORS.md)`,
      });
      return;
    }
    if (taken.has(rule.id)) {
      errors.push({
        file,
        line: lineOf(lines, [...at, 'id']),
        message: `rule ${rule.id}: the id is already used by a built-in detector or another rule; ids must be unique so findings name one rule`,
      });
      return;
    }
    taken.add(rule.id);
    detectors.push(ruleDetector(rule, file, lineOf(lines, at)));
  });
  return { detectors, errors };
}

/**
 * Loads every `.yaml`/`.yml` file of a directory (not recursive, in name order). A missing directory is no rules when
 * `optional` (the data directory's default), an error otherwise. Never throws: a scan goes on with what loaded.
 */
export async function loadRulesDir(dir: string, builtinIds: Iterable<string>, optional = false): Promise<LoadedRules> {
  const out: LoadedRules = { dir, detectors: [], errors: [] };
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch (e) {
    if (!optional)
      out.errors.push({ file: dir, line: 0, message: `cannot read the rules directory: ${(e as Error).message}` });
    return out;
  }
  if (names.length > RULE_LIMITS.files) {
    out.errors.push({
      file: dir,
      line: 0,
      message: `${names.length} rule files; only the first ${RULE_LIMITS.files} are read`,
    });
    names = names.slice(0, RULE_LIMITS.files);
  }
  const taken = new Set(builtinIds);
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const st = await stat(file);
      if (!st.isFile()) continue;
      if (st.size > RULE_LIMITS.fileBytes) {
        out.errors.push({
          file,
          line: 0,
          message: `${st.size} bytes is over the ${RULE_LIMITS.fileBytes}-byte limit for a rule file`,
        });
        continue;
      }
      const r = parseRuleFile(await readFile(file, 'utf8'), file, taken);
      out.detectors.push(...r.detectors);
      out.errors.push(...r.errors);
    } catch (e) {
      out.errors.push({ file, line: 0, message: `cannot read: ${(e as Error).message}` });
    }
  }
  return out;
}
