// Runs in the benchmark page (no Node imports): drives an interaction and records what the analyst would feel.

export interface Steps {
  /** Time from the input event to the first animation frame in which the DOM shows its effect. */
  latency: number[];
  /** Intervals between animation frames while the interaction ran; long ones are visible jank. */
  frames: number[];
}

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));

/** Runs an interaction step by step, as fast as the page allows, recording latency and frame intervals. */
export async function steps(n: number, act: (i: number) => void, probe: () => string): Promise<Steps> {
  const frames: number[] = [];
  let running = true;
  let last = await frame();
  const loop = (t: number) => {
    frames.push(t - last);
    last = t;
    if (running) requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  const latency: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = probe();
    const t0 = performance.now();
    act(i);
    for (;;) {
      await frame();
      if (probe() !== before || performance.now() - t0 > 2000) break;
    }
    latency.push(performance.now() - t0);
  }
  running = false;
  return { latency, frames };
}
