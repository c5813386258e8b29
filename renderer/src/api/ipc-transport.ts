import type { Envelope } from '@shared/api/contract.js';
import type { Transport } from './client.js';

/** The surface the preload exposes; nothing else of Electron is reachable from the page. */
export interface PreloadBridge {
  transport: 'ipc';
  invoke(op: string, input: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    stowaway?: PreloadBridge;
  }
}

export function ipcTransport(bridge: PreloadBridge): Transport {
  return { kind: 'ipc', invoke: (op, input) => bridge.invoke(op, input), subscribe: (l) => bridge.subscribe(l) };
}
