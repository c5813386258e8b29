import { z } from 'zod';
import { boundedString, LIMITS } from './bounds.js';

/** Samples one observed scan takes at most: an hour at one a second would be memory, not evidence. */
export const MAX_OBSERVATION_SAMPLES = 120;
/** Distinct processes remembered per container over one observation; a fork bomb must not grow the evidence. */
export const MAX_OBSERVED_PROCESSES = 2000;

/** How an observed scan sampled the engine: when, how often, and by which means. */
export const ObservationSchema = z.object({
  startedAt: z.string(),
  endedAt: z.string(),
  /** What the analyst asked for, in milliseconds. */
  durationMs: z.number().int(),
  /** Planned gap between samples. */
  intervalMs: z.number().int(),
  sampleCount: z.number().int(),
  /** Start time of every sample, in order. */
  sampledAt: z.array(z.string()).max(MAX_OBSERVATION_SAMPLES),
  /** host: /proc of the container's processes (local engine); api: top and stats calls. */
  source: z.enum(['host', 'api', 'mixed']),
});
export type Observation = z.infer<typeof ObservationSchema>;

/** A process seen during an observation, with the first and last sample that showed it. */
export const ObservedProcessSchema = z.object({
  pid: z.number().int(),
  nsPid: z.number().int().optional(),
  ppid: z.number().int().optional(),
  comm: boundedString(LIMITS.name),
  cmdline: boundedString(LIMITS.command),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** How many samples showed it. */
  seenIn: z.number().int(),
  /** Absent from the scan's own snapshot, or gone before the observation ended: it came and went. */
  transient: z.boolean(),
});
export type ObservedProcess = z.infer<typeof ObservedProcessSchema>;

/** One sample of one container: the PIDs alive and the socket rows seen at that moment. */
export const ContainerSampleSchema = z.object({
  at: z.string(),
  pids: z.array(z.number().int()).max(4096),
  sockets: z.number().int().optional(),
});

/** What an observation saw of one container; its socket snapshots and stats samples join the container's own. */
export const ContainerObservationSchema = z.object({
  samples: z.array(ContainerSampleSchema).max(MAX_OBSERVATION_SAMPLES),
  processes: z.array(ObservedProcessSchema).max(MAX_OBSERVED_PROCESSES),
  /** True when the container had more distinct processes than are kept. */
  truncated: z.boolean().default(false),
});
export type ContainerObservation = z.infer<typeof ContainerObservationSchema>;
