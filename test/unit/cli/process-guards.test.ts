import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { errorLine, helpHintsOnError, isClosedPipe } from '../../../electron/cli/process-guards.js';
import { AppError } from '@shared/errors.js';

describe('CLI process guards', () => {
  it('treats a vanished reader as a closed pipe, and nothing else', () => {
    expect(isClosedPipe(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
    expect(isClosedPipe(Object.assign(new Error('destroyed'), { code: 'ERR_STREAM_DESTROYED' }))).toBe(true);
    expect(isClosedPipe(Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toBe(false);
    expect(isClosedPipe(undefined)).toBe(false);
  });

  it('prints one line per error, with the AppError code, and the stack only when debugging', () => {
    const e = new AppError('SOCKET_MISSING', 'No engine socket at /x\nsecond line');
    expect(errorLine('stowaway scan', e, {})).toBe('stowaway scan: No engine socket at /x [SOCKET_MISSING]\n');
    const plain = new Error('boom');
    expect(errorLine('stowaway', plain, {})).toBe('stowaway: boom\n');
    expect(errorLine('stowaway', plain, { STOWAWAY_DEBUG: '1' })).toMatch(/^stowaway: boom\nError: boom\n\s+at /);
    expect(errorLine('stowaway', 'a string', {})).toBe('stowaway: a string\n');
  });

  it('gives every nested command its own help hint and error prefix', async () => {
    let err = '';
    const program = new Command('stowaway')
      .exitOverride()
      .configureOutput({ writeErr: (s) => (err += s), writeOut: () => undefined });
    program
      .command('case')
      .command('list')
      .option('--json')
      .action(() => undefined);
    helpHintsOnError(program);
    await expect(program.parseAsync(['node', 'stowaway', 'case', 'list', '--jsn'])).rejects.toThrow();
    expect(err).toContain("stowaway case list: error: unknown option '--jsn'");
    expect(err).toContain('(Did you mean --json?)');
    expect(err).toContain('(see: stowaway case list --help)');
  });
});
