import { z } from 'zod';
import { SeveritySchema } from './finding.js';

/**
 * An allowlist or baseline entry. Suppressions are data with an id and a version, so a report can say exactly
 * which rule (and which revision of it) hid a finding; suppressed findings are kept and shown, never dropped.
 */
export const SuppressionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/),
    version: z.number().int().min(1),
    reason: z.string().min(1).max(1024),
    /** Detector ids this entry applies to; `*` means every detector. */
    detectors: z.array(z.string().min(1)).min(1),
    /** All given conditions must hold. Globs use `*` and `?`. */
    match: z
      .object({
        image: z.string().optional(),
        /** `key` or `key=value-glob`. */
        label: z.string().optional(),
        /** Engine id or context name. */
        engine: z.string().optional(),
        container: z.string().optional(),
        /** Glob over the finding's specific reference (a path, `tcp:8080`, an image id). */
        ref: z.string().optional(),
        /** Kubernetes namespace of the finding's workload. */
        namespace: z.string().optional(),
        /** Identity behind a Kubernetes change: audit user (`system:serviceaccount:ci:*`) or field manager (`argocd-*`). */
        user: z.string().optional(),
      })
      .refine(
        (m) => Object.values(m).some((v) => v !== undefined),
        'a suppression must match on at least one of image, label, engine, container, ref, namespace, user',
      ),
    /** Only findings at or below this severity are suppressed; worse ones still alert. */
    maxSeverity: SeveritySchema.optional(),
    owner: z.string().max(256).optional(),
    /** ISO date after which the entry no longer applies. */
    expires: z.string().optional(),
  })
  .strict();
export type Suppression = z.infer<typeof SuppressionSchema>;

/** A suppression file: versioned as a whole, so changes to the allowlist are reviewable. */
export const SuppressionFileSchema = z.object({
  version: z.literal(1),
  suppressions: z.array(SuppressionSchema).max(10_000),
});
export type SuppressionFile = z.infer<typeof SuppressionFileSchema>;
