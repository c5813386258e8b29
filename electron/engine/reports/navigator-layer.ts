import { z } from 'zod';
import type { Severity } from '@shared/domain/finding.js';
import { buildReportModel, type ReportModel } from './report-model.js';
import type { CaseExport } from './case-export.js';
import { ATTACK_VERSION } from '@shared/domain/attack-techniques.js';

/** Scores per worst severity seen for a technique; the gradient below colours them. */
export const SEVERITY_SCORE: Record<Severity, number> = { low: 25, medium: 50, high: 75, critical: 100 };
const COLORS: Record<Severity, string> = { low: '#66b1ff', medium: '#ffd966', high: '#ff9933', critical: '#e60d0d' };

/** The subset of the ATT&CK Navigator layer format 4.5 that Stowaway writes, as the Navigator reads it. */
export const NavigatorLayerSchema = z
  .object({
    name: z.string().min(1),
    versions: z.object({ attack: z.string(), navigator: z.string(), layer: z.literal('4.5') }),
    domain: z.literal('enterprise-attack'),
    description: z.string(),
    sorting: z.number().int().min(0).max(3),
    hideDisabled: z.boolean(),
    techniques: z.array(
      z.object({
        techniqueID: z.string().regex(/^T\d{4}(\.\d{3})?$/),
        score: z.number().min(0).max(100),
        color: z.string().regex(/^#[0-9a-f]{6}$/i),
        comment: z.string(),
        enabled: z.boolean(),
        showSubtechniques: z.boolean(),
        metadata: z.array(z.object({ name: z.string(), value: z.string() })),
      }),
    ),
    gradient: z.object({
      colors: z.array(z.string().regex(/^#[0-9a-f]{6}$/i)).min(2),
      minValue: z.number(),
      maxValue: z.number(),
    }),
    legendItems: z.array(z.object({ label: z.string(), color: z.string().regex(/^#[0-9a-f]{6}$/i) })),
    metadata: z.array(z.object({ name: z.string(), value: z.string() })),
  })
  .strict();
export type NavigatorLayer = z.infer<typeof NavigatorLayerSchema>;

/** Techniques seen in the case (false positives and allowlisted findings excluded), scored by the worst severity of their findings. */
export function renderNavigatorLayer(data: CaseExport, model: ReportModel = buildReportModel(data)): NavigatorLayer {
  const subParents = new Set(model.techniques.filter((t) => t.id.includes('.')).map((t) => t.id.split('.')[0]!));
  return {
    name: `Stowaway: ${data.case.name}`.slice(0, 256),
    versions: { attack: ATTACK_VERSION, navigator: '5.1.0', layer: '4.5' },
    domain: 'enterprise-attack',
    description: `Techniques seen in case ${data.case.id} (${data.findings.length} findings), generated ${data.generatedAt}; case sha256 ${data.caseSha256}`,
    sorting: 3,
    hideDisabled: false,
    techniques: model.techniques.map((t) => ({
      techniqueID: t.id,
      score: SEVERITY_SCORE[t.worst],
      color: COLORS[t.worst],
      comment: `${t.name}: ${t.count} finding(s), worst ${t.worst}`,
      enabled: true,
      // Show sub-techniques under a parent so T1222.002 is visible without expanding by hand.
      showSubtechniques: subParents.has(t.id),
      metadata: [
        { name: 'technique', value: t.name },
        { name: 'tactics', value: t.tactics.join(', ') },
        { name: 'findings', value: String(t.count) },
        { name: 'worst severity', value: t.worst },
      ],
    })),
    gradient: { colors: ['#66b1ff', '#ffd966', '#e60d0d'], minValue: 0, maxValue: 100 },
    legendItems: (Object.keys(COLORS) as Severity[]).map((s) => ({
      label: `${s} (score ${SEVERITY_SCORE[s]})`,
      color: COLORS[s],
    })),
    metadata: [
      { name: 'case', value: data.case.id },
      { name: 'case sha256', value: data.caseSha256 },
      { name: 'ATT&CK', value: `Enterprise v${ATTACK_VERSION} (names and tactics from Stowaway's bundled table)` },
    ],
  };
}
