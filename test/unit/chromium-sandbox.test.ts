import { describe, expect, it } from 'vitest';
import { decideChromiumSandbox } from '../../electron/engine/reports/chromium-sandbox.js';

describe('printing uses the Chromium sandbox wherever the platform allows it', () => {
  const linux = { platform: 'linux' as const, uid: 1000, maxUserNamespaces: '63000\n' };

  it('uses it on macOS and Windows, and on Linux for a user with user namespaces or the setuid helper', () => {
    expect(decideChromiumSandbox({ platform: 'darwin', uid: 501 })).toEqual({ sandbox: true });
    expect(decideChromiumSandbox({ platform: 'win32' })).toEqual({ sandbox: true });
    expect(decideChromiumSandbox(linux)).toEqual({ sandbox: true });
    expect(decideChromiumSandbox({ ...linux, usernsClone: '1\n' })).toEqual({ sandbox: true });
    expect(decideChromiumSandbox({ ...linux, usernsClone: '0\n', suidHelper: true })).toEqual({ sandbox: true });
  });

  it('falls back only with a reason: root, or no user namespaces and no helper', () => {
    expect(decideChromiumSandbox({ ...linux, uid: 0 })).toEqual({
      sandbox: false,
      reason: expect.stringMatching(/root/),
    });
    expect(decideChromiumSandbox({ ...linux, usernsClone: '0\n' })).toEqual({
      sandbox: false,
      reason: expect.stringMatching(/unprivileged_userns_clone is 0.*no setuid chrome-sandbox/),
    });
    expect(decideChromiumSandbox({ ...linux, maxUserNamespaces: '0' })).toEqual({
      sandbox: false,
      reason: expect.stringMatching(/max_user_namespaces is 0/),
    });
    expect(decideChromiumSandbox({ ...linux, apparmorRestrictsUserns: '1\n' })).toEqual({
      sandbox: false,
      reason: expect.stringMatching(/AppArmor/),
    });
  });
});
