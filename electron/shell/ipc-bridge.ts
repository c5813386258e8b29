import { ipcMain, type BrowserWindow } from 'electron';
import type { App } from '../engine/app.js';
import { isTrustedSender } from './guards.js';

/** Carries the contract over one IPC channel, from trusted senders only, and pushes engine events to windows. */
export function installIpcBridge(app: App, windows: () => BrowserWindow[]): () => void {
  const ids = () => new Set(windows().map((w) => w.webContents.id));
  ipcMain.handle('stowaway:invoke', async (event, op: unknown, input: unknown) => {
    if (!isTrustedSender(event, ids())) return { ok: false, error: { code: 'FORBIDDEN', message: 'Untrusted sender' } };
    if (typeof op !== 'string')
      return { ok: false, error: { code: 'VALIDATION', message: 'Operation name must be a string' } };
    return app.dispatch(op, input, { transport: 'ipc', user: app.user });
  });
  const unsubscribe = app.bus.onAny((name, payload) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send('stowaway:event', name, payload);
  });
  return () => {
    ipcMain.removeHandler('stowaway:invoke');
    unsubscribe();
  };
}
