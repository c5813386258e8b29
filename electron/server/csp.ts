/**
 * The one Content-Security-Policy of the UI, used by the web server and the Electron shell: scripts only
 * from our own origin, no eval, no objects, no frames; container data can never become code.
 */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // xterm and d3 set inline styles on elements they create; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
