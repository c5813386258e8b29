import { z } from 'zod';
import { AttackIdSchema, SeveritySchema, StrategySchema } from './finding.js';

/**
 * Detection as code: a rule an analyst writes in YAML and drops in a rules directory. A rule judges one kind of
 * evidence object (its scope) with conditions on that object's fields; every condition must hold. Rules are data with
 * an id and a version, like suppressions, so a finding names the exact revision that raised it.
 */
export const RULE_SCOPES = ['container', 'process', 'socket', 'file', 'image', 'event', 'exec'] as const;
export const RuleScopeSchema = z.enum(RULE_SCOPES);
export type RuleScope = z.infer<typeof RuleScopeSchema>;

const pattern = z.string().min(1).max(1024);

/**
 * Operators on one field. Strings default to `glob` (`*` and `?`, as suppressions match); a list field holds when any
 * element does; `label` takes `key` or `key=value-glob` on a map field, as suppressions' `match.label` does.
 */
export const RuleOperatorsSchema = z
  .object({
    glob: pattern.optional(),
    equals: z.union([z.string().max(1024), z.number(), z.boolean()]).optional(),
    in: z
      .array(z.union([z.string().max(1024), z.number()]))
      .min(1)
      .max(256)
      .optional(),
    contains: pattern.optional(),
    regex: z
      .string()
      .min(1)
      .max(256)
      .refine((s) => {
        try {
          new RegExp(s);
          return true;
        } catch {
          return false;
        }
      }, 'not a valid regular expression')
      .optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    exists: z.boolean().optional(),
    label: pattern.optional(),
    /** Holds when none of the listed globs matches. */
    notGlob: z.union([pattern, z.array(pattern).min(1).max(64)]).optional(),
  })
  .strict()
  .refine((o) => Object.values(o).some((v) => v !== undefined), 'a condition needs at least one operator');
export type RuleOperators = z.infer<typeof RuleOperatorsSchema>;

export const RuleConditionSchema = z.union([z.string().min(1).max(1024), z.number(), z.boolean(), RuleOperatorsSchema]);
export type RuleCondition = z.infer<typeof RuleConditionSchema>;

export const DetectionRuleSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'ids are lower-case letters, digits, dots, dashes and underscores'),
    version: z.number().int().min(1),
    title: z.string().min(1).max(200),
    severity: SeveritySchema,
    attack: z.array(AttackIdSchema).min(1).max(16),
    strategy: z.array(StrategySchema).min(1).default(['ADS-evasion']),
    scope: RuleScopeSchema,
    /** What the rule finds and why it matters: the catalogue's goal. */
    description: z.string().min(1).max(2000),
    match: z
      .record(
        z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.-]{0,127}$/, 'field names are dotted identifiers'),
        RuleConditionSchema,
      )
      .refine((m) => Object.keys(m).length > 0, 'a rule must match on at least one field'),
    /** The summary of a finding; `{field}` placeholders are filled from the matched object. */
    summary: z.string().max(500).optional(),
    blindSpots: z.array(z.string().max(1000)).max(32).optional(),
    falsePositives: z.array(z.string().max(1000)).max(32).optional(),
    response: z.array(z.string().max(1000)).min(1).max(32),
    owner: z.string().max(256).optional(),
  })
  .strict();
export type DetectionRule = z.infer<typeof DetectionRuleSchema>;

/** A rule file: versioned as a whole, one or more rules. */
export const RuleFileSchema = z
  .object({
    version: z.literal(1),
    rules: z.array(z.unknown()).min(1).max(1000),
  })
  .strict();
