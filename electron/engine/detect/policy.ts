import { z } from 'zod';

/**
 * Site policy the detectors judge against. Everything has a default, so a scan without configuration still
 * runs; the defaults are deliberately conservative (nothing is "authorized" unless a policy says so).
 */
export const DetectPolicySchema = z.object({
  /** Image globs (e.g. `registry.example.com/*`) that may run; empty means no deployment allowlist is configured. */
  allowedImages: z.array(z.string()).default([]),
  /** Labels (`key` or `key=value`) that mark a container as an authorized deployment. */
  allowedLabels: z.array(z.string()).default([]),
  /** Remote ports that count as ordinary outbound traffic. */
  standardPorts: z.array(z.number().int().min(0).max(65535)).default([22, 53, 80, 123, 443, 853, 5000, 8080, 8443]),
  /** Seconds between create and destroy below which a container counts as hit-and-run. */
  shortLivedSeconds: z.number().positive().default(30),
  /** CPU percent (of one core) sustained across samples that counts as a spike. */
  cpuSpikePercent: z.number().positive().default(80),
  /** Hours before a cluster scan in which a person's change to a workload (managedFields) counts as recent. */
  kubeRecentHours: z.number().positive().default(168),
});
export type DetectPolicy = z.infer<typeof DetectPolicySchema>;
export type DetectPolicyInput = z.input<typeof DetectPolicySchema>;

export const defaultPolicy = (): DetectPolicy => DetectPolicySchema.parse({});
