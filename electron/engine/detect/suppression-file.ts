import { readFile } from 'node:fs/promises';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { SuppressionFileSchema, SuppressionSchema, type Suppression } from '@shared/domain/suppression.js';
import { AppError } from '@shared/errors.js';

/**
 * Named baselines for the false positives the ADS reports call out. They are opt-in (a scan applies them only
 * when asked) and behave like any suppression file entry: versioned, and reported on every finding they hide.
 */
export const BASELINES: Record<string, Suppression[]> = {
  'ci-runners': [
    SuppressionSchema.parse({
      id: 'baseline.ci-runners',
      version: 1,
      reason:
        'CI/CD jobs create short-lived containers, build and run binaries, unpack dot-directories and exec into their service containers.',
      detectors: [
        'short-lived-container',
        'dropped-executable',
        'hidden-files',
        'exec-into-container',
        'image-tampering',
      ],
      match: { label: 'com.gitlab.gitlab-runner.managed' },
      maxSeverity: 'medium',
    }),
    SuppressionSchema.parse({
      id: 'baseline.ci-runners.generic',
      version: 1,
      reason: 'Containers labelled ci.role=runner by the site are CI jobs.',
      detectors: [
        'short-lived-container',
        'dropped-executable',
        'hidden-files',
        'exec-into-container',
        'image-tampering',
      ],
      match: { label: 'ci.role=runner' },
      maxSeverity: 'medium',
    }),
  ],
  'dev-image-churn': [
    SuppressionSchema.parse({
      id: 'baseline.dev-image-churn',
      version: 1,
      reason:
        'On developer engines images are built locally and re-tagged constantly: "never pulled" and image import/load findings are expected.',
      detectors: ['image-tampering'],
      match: { engine: '*' },
      maxSeverity: 'low',
    }),
  ],
};

/** Reads a suppression file (YAML or JSON, `version: 1`, `suppressions: [...]`); errors name the file and the entry. */
export async function loadSuppressionFile(path: string): Promise<Suppression[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AppError('NOT_FOUND', `Cannot read suppression file ${path}: ${(e as Error).message}`);
  }
  return parseSuppressions(text, path);
}

export function parseSuppressions(text: string, source = 'suppressions'): Suppression[] {
  let doc: unknown;
  try {
    doc = loadYaml(text, { schema: CORE_SCHEMA });
  } catch (e) {
    throw new AppError('VALIDATION', `${source} is not valid YAML/JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = SuppressionFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('VALIDATION', `${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const s of parsed.data.suppressions) {
    if (ids.has(s.id))
      throw new AppError(
        'VALIDATION',
        `${source}: suppression id ${s.id} appears twice; ids must be unique so reports can name them`,
      );
    ids.add(s.id);
  }
  return parsed.data.suppressions;
}

/** Baselines by name; an unknown name is an error listing the known ones. */
export function baselines(names: string[]): Suppression[] {
  return names.flatMap((n) => {
    const b = BASELINES[n];
    if (!b)
      throw new AppError(
        'VALIDATION',
        `Unknown baseline "${n}"; known baselines: ${Object.keys(BASELINES).join(', ')}`,
      );
    return b;
  });
}
