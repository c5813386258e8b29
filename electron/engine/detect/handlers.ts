import path from 'node:path';
import type { Handler } from '../handlers.js';
import { renderCatalogue, STRATEGIES } from './catalogue.js';
import { DETECTORS } from './registry.js';
import { BASELINES } from './suppression-file.js';
import { loadRulesDir } from './rules/load-rules.js';
import { loadRecordedEvidence, testRules } from './rules/test-rules.js';

type DetectorOps = 'detectors.list' | 'detectors.catalogue' | 'detectors.test';

/** Handlers of the detector operations: the built-in catalogue, and rule files read from this machine. */
export function detectorHandlers(dataDir: string): { [K in DetectorOps]: Handler<K> } {
  const builtinIds = () => DETECTORS.map((d) => d.meta.id);
  return {
    'detectors.list': async () => ({
      detectors: DETECTORS.map((d) => d.meta),
      strategies: Object.entries(STRATEGIES).map(([id, s]) => ({ id: id as keyof typeof STRATEGIES, ...s })),
      baselines: Object.entries(BASELINES).map(([name, entries]) => ({
        name,
        reason: entries.map((e) => e.reason).join(' '),
        detectors: [...new Set(entries.flatMap((e) => e.detectors))],
      })),
    }),
    'detectors.catalogue': async ({ rulesDir, markdown }) => {
      // The data directory's rules folder may be absent; a directory the analyst named must exist.
      const rules = await loadRulesDir(rulesDir ?? path.join(dataDir, 'rules'), builtinIds(), rulesDir === undefined);
      const all = [...DETECTORS, ...rules.detectors];
      return {
        dir: rules.dir,
        strategies: STRATEGIES,
        detectors: all.map((d) => d.meta),
        ruleCount: rules.detectors.length,
        ruleErrors: rules.errors,
        ...(markdown ? { markdown: renderCatalogue(all) } : {}),
      };
    },
    'detectors.test': async ({ rulesDir, evidence: evidenceFile, bundle }) => {
      const rules = await loadRulesDir(rulesDir, builtinIds());
      const evidence = await loadRecordedEvidence({ evidence: evidenceFile, bundle });
      const { results, failures } = testRules(rules.detectors, evidence);
      return {
        dir: rules.dir,
        engine: evidence.engine,
        collectedAt: evidence.collectedAt,
        rules: results.map((r) => ({
          id: r.rule.meta.id,
          version: r.rule.rule.version,
          source: r.rule.meta.source,
          file: r.rule.file,
          line: r.rule.line,
          matches: r.matches,
        })),
        errors: rules.errors,
        failures,
      };
    },
  };
}
