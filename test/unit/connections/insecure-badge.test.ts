import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { InsecureBadge } from '../../../renderer/src/features/engines/InsecureBadge.js';
import { toDraft } from '../../../renderer/src/features/engines/AddHostForm.js';
import { insecureTransport } from '../../../electron/engine/connections/transport-security.js';
import type { Endpoint } from '@shared/domain/engine.js';

const badge = (ep: Endpoint) =>
  renderToStaticMarkup(createElement(InsecureBadge, { engine: { insecure: insecureTransport(ep) } }));

describe('the rail marks engines reached over an insecure transport', () => {
  it('plain tcp and unverified TLS get the badge, with why; verified TLS, ssh and sockets do not', () => {
    expect(badge({ type: 'tcp', host: 'h', port: 2376, allowInsecure: true, tls: { verify: false } })).toMatch(
      /data-insecure="tls-unverified"[^>]*>insecure</,
    );
    expect(badge({ type: 'tcp', host: 'h', port: 2376, allowInsecure: true, tls: { verify: false } })).toContain(
      'without verifying the server certificate',
    );
    expect(badge({ type: 'tcp', host: 'h', port: 2375, allowInsecure: true })).toMatch(/data-insecure="plain-tcp"/);
    expect(badge({ type: 'tcp', host: 'h', port: 2376, allowInsecure: false, tls: { verify: true } })).toBe('');
    expect(badge({ type: 'ssh', host: 'h', port: 22 })).toBe('');
    expect(badge({ type: 'unix', socketPath: '/var/run/docker.sock' })).toBe('');
  });

  it('the add-host form sends the opt-in for unverified TLS only when ticked', () => {
    const fields = {
      name: 'n',
      kind: 'tls' as const,
      host: 'h',
      port: '',
      user: '',
      identityFile: '',
      knownHostsPath: '',
      caPath: '',
      certPath: '',
      keyPath: '',
      verify: false,
      allowInsecure: false,
      socketPath: '',
    };
    expect(toDraft(fields).endpoint).toMatchObject({ tls: { verify: false }, allowInsecure: false });
    expect(toDraft({ ...fields, allowInsecure: true }).endpoint).toMatchObject({
      tls: { verify: false },
      allowInsecure: true,
    });
    // A box ticked earlier does not carry over once verification is back on.
    expect(toDraft({ ...fields, verify: true, allowInsecure: true }).endpoint).toMatchObject({
      tls: { verify: true },
      allowInsecure: false,
    });
  });
});
