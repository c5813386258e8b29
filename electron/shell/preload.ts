import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_NAMES } from '@shared/api/events.js';
import { OP_NAMES } from '@shared/api/contract.js';

const ops = new Set<string>(OP_NAMES);
const events = new Set<string>(EVENT_NAMES);

/**
 * The closed surface the renderer gets: invoke a contract operation, subscribe to a contract event.
 * Names are checked here too, and the IpcRendererEvent (which holds `sender`) never reaches the page.
 */
contextBridge.exposeInMainWorld('stowaway', {
  transport: 'ipc',
  invoke(op: string, input: unknown): Promise<unknown> {
    if (!ops.has(op))
      return Promise.resolve({
        ok: false,
        error: { code: 'NOT_FOUND', message: `Unknown operation ${String(op).slice(0, 100)}` },
      });
    return ipcRenderer.invoke('stowaway:invoke', op, input);
  },
  subscribe(listener: (event: string, payload: unknown) => void): () => void {
    const wrapped = (_e: unknown, event: string, payload: unknown) => {
      if (events.has(event)) listener(event, payload);
    };
    ipcRenderer.on('stowaway:event', wrapped);
    return () => ipcRenderer.off('stowaway:event', wrapped);
  },
});
