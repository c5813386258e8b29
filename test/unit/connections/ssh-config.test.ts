import { describe, expect, it } from 'vitest';
import { resolveSshConfig } from '../../../electron/engine/ssh/ssh-config.js';

describe('~/.ssh/config host aliases', () => {
  const text = [
    '# comment',
    'Host prod-*  !prod-skip',
    '  HostName %h.internal.example',
    '  User ops',
    'Host prod-web',
    '  HostName 10.0.0.9',
    '  Port 2222',
    '  IdentityFile ~/.ssh/prod_ed25519',
    'Match exec "true"',
    '  User ignored',
    'Host *',
    '  User fallback',
    '  Port=2200',
    '  UserKnownHostsFile ~/.ssh/kh other',
  ].join('\n');

  it('applies every matching block, first value wins, ~ expanded, %h replaced', () => {
    expect(resolveSshConfig(text, 'prod-web', '/home/a')).toEqual({
      hostName: 'prod-web.internal.example',
      user: 'ops',
      port: 2222,
      identityFile: '/home/a/.ssh/prod_ed25519',
      userKnownHostsFile: '/home/a/.ssh/kh',
    });
    expect(resolveSshConfig(text, 'prod-skip', '/home/a')).toEqual({
      user: 'fallback',
      port: 2200,
      userKnownHostsFile: '/home/a/.ssh/kh',
    });
    expect(resolveSshConfig(text, 'PROD-db', '/home/a')).toMatchObject({
      hostName: 'PROD-db.internal.example',
      user: 'ops',
      port: 2200,
    });
    expect(resolveSshConfig('', 'x')).toEqual({});
  });
});
