import { useEffect, useRef } from 'react';
import { useApi } from '../workbench/api-context.js';
import { useQuery } from './use-query.js';

/** Engine actions after which a container's processes or files have likely changed. */
const CHANGING =
  /^(start|restart|unpause|exec_start|exec_die|die|kill|stop|pause|rename|update|commit|copy|extract-to-dir)/;

/**
 * Evidence of one container (processes, file changes, contents), refreshed live when the engine reports
 * something happening in it. The last good value stays on screen while refreshing, so selection, scroll
 * and zoom survive.
 */
export function useContainerEvidence(
  engineId: string | undefined,
  containerId: string | undefined,
  opts: { podExec?: boolean } = {},
) {
  const api = useApi();
  const refresh = useRef(false);
  const q = useQuery(
    engineId && containerId
      ? () => {
          const input = {
            engineId,
            containerId,
            refresh: refresh.current,
            ...(opts.podExec ? { podExec: true as const } : {}),
          };
          refresh.current = false;
          // The backend validated this answer against the contract; validating 100,000 entries again here cost seconds.
          return api.call('evidence.container', input);
        }
      : undefined,
    [engineId, containerId, opts.podExec],
  );
  const { reload } = q;
  useEffect(() => {
    if (!engineId || !containerId) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.on('engine.event', (ev) => {
      if (ev.engineId !== engineId || !containerId.startsWith(ev.actorId.slice(0, 12)) || !CHANGING.test(ev.action))
        return;
      clearTimeout(timer);
      // Bursts of events (exec start + die) become one refresh.
      timer = setTimeout(() => {
        refresh.current = true;
        reload();
      }, 700);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [api, engineId, containerId, reload]);
  const refreshNow = () => {
    refresh.current = true;
    reload();
  };
  return { ...q, refreshNow };
}
