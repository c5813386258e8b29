import type { BrowserWindowConstructorOptions } from 'electron';

/** The app's own origin: the renderer is served from this privileged scheme, never from file:// or the web. */
export const APP_SCHEME = 'stowaway';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/**
 * Options of the one main window. Every security-relevant preference is spelled out, so a unit test can
 * hold each of them in place (Electron security checklist items 2, 3, 4, 6, 8, 9, 11). Developer tools exist
 * only in development builds: in a packaged app they would hand anyone at the keyboard the renderer's bridge.
 * Without being told otherwise the options are those of a packaged build.
 */
export function mainWindowOptions(
  preloadPath: string,
  build: { packaged: boolean } = { packaged: true },
): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#111418',
    title: 'Stowaway',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !build.packaged,
    },
  };
}
