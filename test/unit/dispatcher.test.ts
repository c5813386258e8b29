import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDispatcher } from '../../electron/engine/dispatcher.js';
import { createApp } from '../../electron/engine/app.js';
import { contract, OP_NAMES } from '@shared/api/contract.js';
import { AppError } from '@shared/errors.js';
import type { Handlers } from '../../electron/engine/handlers.js';

const ctx = { transport: 'cli' as const, user: 'tester' };

describe('dispatcher', () => {
  const app = createApp({ env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, home: '/nonexistent' });

  it('has a handler and schemas for every operation of the contract', () => {
    for (const op of OP_NAMES) {
      expect(typeof app.handlers[op], op).toBe('function');
      expect(contract[op].input).toBeInstanceOf(z.ZodType);
      expect(contract[op].output).toBeInstanceOf(z.ZodType);
    }
  });

  it('rejects unknown operations and malformed input without calling a handler', async () => {
    expect(await app.dispatch('nope.nothing', {}, ctx)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const bad = await app.dispatch('containers.inspect', { engineId: 'local', containerId: '../../etc' }, ctx);
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(bad.ok ? '' : bad.error.message).toContain('containerId');
  });

  it('turns thrown errors into envelopes and checks handler output against the contract', async () => {
    const handlers = {
      ...app.handlers,
      'engines.list': async () => {
        throw new AppError('ENGINE_TIMEOUT', 'slow');
      },
      'app.info': async () => ({ version: 1 }) as never,
    } as Handlers;
    const dispatch = createDispatcher(handlers);
    expect(await dispatch('engines.list', {}, ctx)).toEqual({
      ok: false,
      error: { code: 'ENGINE_TIMEOUT', message: 'slow', details: undefined },
    });
    expect(await dispatch('app.info', {}, ctx)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('reports a missing socket as SOCKET_MISSING with the path', async () => {
    const env = await app.dispatch('containers.list', { engineId: 'env' }, ctx);
    expect(env).toMatchObject({ ok: false, error: { code: 'SOCKET_MISSING' } });
    expect(env.ok ? '' : env.error.message).toContain('/nonexistent/docker.sock');
  });
});
