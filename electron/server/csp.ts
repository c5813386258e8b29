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

/**
 * The policy for the <meta> tag of the built index.html, so the page carries its CSP however it is served.
 * A meta policy cannot hold frame-ancestors (browsers ignore it there; the headers carry it), and it cannot
 * know web mode's port, so it allows the loopback WebSocket on any port: the header policy narrows that to
 * the server's own port, since a page obeys both.
 */
export function metaContentSecurityPolicy(): string {
  return contentSecurityPolicy(['ws://127.0.0.1:*', 'ws://localhost:*'])
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ');
}
