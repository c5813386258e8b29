import { app as electronApp, BrowserWindow, protocol, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../engine/app.js';
import { applyBackendHeapBudget } from '../engine/heap-budget.js';
import { serveAppRequest } from './app-protocol.js';
import { allowPermission, isAllowedNavigation, isSafeExternalUrl } from './guards.js';
import { installIpcBridge } from './ipc-bridge.js';
import { APP_ORIGIN, APP_SCHEME, mainWindowOptions } from './window-options.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererRoot = path.resolve(here, '../renderer');

// Checklist item 4: every renderer is sandboxed, before any window exists.
electronApp.enableSandbox();
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const windows = new Set<BrowserWindow>();

electronApp.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
});

electronApp.whenReady().then(() => {
  applyBackendHeapBudget();
  const engine = createApp();
  // The renderer build, served from stowaway://app with path traversal refused (checklist item 18). The CSP
  // travels in this handler's response headers (and the page's meta tag): webRequest skips custom schemes.
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererRoot, request.url));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, cb) => cb(allowPermission(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
  installIpcBridge(engine, () => [...windows]);

  const win = new BrowserWindow(
    mainWindowOptions(path.join(here, 'preload.cjs'), { packaged: electronApp.isPackaged }),
  );
  windows.add(win);
  win.on('closed', () => windows.delete(win));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
});

electronApp.on('window-all-closed', () => electronApp.quit());
