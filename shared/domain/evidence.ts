import { z } from 'zod';

/** A piece of collected evidence: content-addressed, with who/when/how it was collected. */
export const EvidenceItemSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  kind: z.string().max(64),
  /** The call that produced it, e.g. `GET /containers/{id}/top`, `archive:/etc/passwd`, `host:/proc/123/exe`. */
  sourceCall: z.string().max(2048),
  engineId: z.string(),
  containerId: z.string().optional(),
  collectedAt: z.string(),
  collectedBy: z.string().max(256),
  collectorVersion: z.string().max(64),
  size: z.number().int(),
  mediaType: z.string().max(128).default('application/octet-stream'),
});
export type EvidenceItem = z.infer<typeof EvidenceItemSchema>;
