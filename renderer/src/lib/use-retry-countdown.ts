import { useEffect, useState } from 'react';
import type { EngineState } from '@shared/domain/engine.js';

/**
 * Seconds until a lost engine's next reconnect attempt, counting down live. The engine publishes retryInMs once
 * when it schedules the attempt; `since` is when, so the remaining time is derived rather than re-sent.
 */
export function useRetryCountdown(st: EngineState | undefined): number | undefined {
  const due = st?.status === 'lost' && st.retryInMs !== undefined ? Date.parse(st.since) + st.retryInMs : undefined;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (due === undefined) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(t);
  }, [due]);
  return due === undefined ? undefined : Math.max(0, Math.ceil((due - now) / 1000));
}
