import { APP_ORIGIN } from './window-options.js';

/** Navigation is allowed only within the app's own origin (checklist item 13). */
export function isAllowedNavigation(url: string): boolean {
  try {
    return new URL(url).origin === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}

/** Only https links may leave the app, and only through the system browser (checklist item 15). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The parts of an IPC event that decide whether to trust it. */
export interface SenderLike {
  senderFrame: { url: string; parent: unknown } | null;
  sender: { id: number };
}

/**
 * An IPC message is trusted only from the top frame of a window we created, showing our own origin
 * (checklist item 17): an injected iframe or a navigated-away page gets nothing.
 */
export function isTrustedSender(event: SenderLike, windowIds: ReadonlySet<number>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!windowIds.has(event.sender.id)) return false;
  return isAllowedNavigation(frame.url);
}

/** Permissions the renderer may ever get: none (checklist item 5). */
export const allowPermission = (_permission: string): boolean => false;
