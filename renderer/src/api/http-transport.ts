import type { Envelope } from '@shared/api/contract.js';
import type { Transport } from './client.js';

/**
 * Web mode: POST /api/<op> and a WebSocket for events. The token lives in an HttpOnly cookie set by the
 * server on first load, so page scripts never hold it.
 */
export function httpTransport(): Transport {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const connListeners = new Set<(up: boolean) => void>();
  let ws: WebSocket | undefined;
  let retry = 500;

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    ws = new WebSocket(`${proto}://${location.host}/ws`);
    ws.onopen = () => {
      retry = 500;
      connListeners.forEach((l) => l(true));
    };
    ws.onmessage = (m) => {
      try {
        const { event, payload } = JSON.parse(String(m.data)) as { event: string; payload: unknown };
        listeners.forEach((l) => l(event, payload));
      } catch {
        // A malformed push is dropped; the next one will do.
      }
    };
    ws.onclose = () => {
      connListeners.forEach((l) => l(false));
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  };
  connect();

  return {
    kind: 'http',
    async invoke(op, input) {
      try {
        const res = await fetch(`/api/${encodeURIComponent(op)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
        return (await res.json()) as Envelope<unknown>;
      } catch (e) {
        return {
          ok: false,
          error: { code: 'ENGINE_UNREACHABLE', message: `Stowaway backend did not answer: ${(e as Error).message}` },
        };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener) {
      connListeners.add(listener);
      return () => connListeners.delete(listener);
    },
  };
}
