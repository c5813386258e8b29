import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent. V8's own choice is
 * up to 4x the live heap when allocation is fast. A long-running backend with the live stream on rescans about every
 * second, and most of what a rescan allocates dies soon after it has been promoted: the `serve` soak with 200
 * containers measured a live heap of 53 MB after each full collection, while the old generation reached 190 MB before
 * the next one (peak RSS 324-375 MB). At 1.5x the old generation stays under 70 MB and the peak RSS was 217 MB, for
 * a full collection about every second of rescanning: 5% of one core on the main thread, marking included.
 */
export const HEAP_GROWING_PERCENT = 50;

/** The V8 settings of a process that hosts the engine for long (serve, the desktop app, scan --watch). */
export const BACKEND_V8_FLAGS = [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`] as const;

/**
 * Applies BACKEND_V8_FLAGS to this process. V8 reads the growing factor each time it sets the next limit, so this
 * takes effect from the next full collection on; call it at the start of the entry point, before the engine loads.
 */
export function applyBackendHeapBudget(): void {
  for (const flag of BACKEND_V8_FLAGS) v8.setFlagsFromString(flag);
}
