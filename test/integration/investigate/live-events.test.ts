import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../../electron/engine/app.js';
import type { EngineEvent } from '@shared/domain/event.js';
import { removeSuite, runContainer } from '../../helpers/docker.js';

const SUITE = 'int-live-events';

describe('live engine events', () => {
  let app: ReturnType<typeof createApp>;
  const seen: EngineEvent[] = [];

  beforeAll(async () => {
    await removeSuite(SUITE);
    app = createApp({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'sw-va-live-')) });
    app.bus.onAny((event, payload) => event === 'engine.event' && seen.push(payload as EngineEvent));
    const engineId = app.engines.list()[0]!.id;
    await app.engines.connect(engineId);
  });
  afterAll(async () => {
    await app?.dispose();
    await removeSuite(SUITE);
  });

  it('pushes container and exec events of a connected engine as they happen', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const c = await runContainer({ suite: SUITE, name: `sw-int-va-live-${process.pid}` });
    const exec = await c.exec({ Cmd: ['true'] });
    await exec.start({ Detach: true });
    await expect
      .poll(() => seen.filter((e) => e.actorId === c.id).map((e) => e.action.split(':')[0]), { timeout: 20_000 })
      .toEqual(expect.arrayContaining(['create', 'start', 'exec_start']));
    const start = seen.find((e) => e.actorId === c.id && e.action === 'start')!;
    expect(start.type).toBe('container');
    expect(start.attributes['stowaway.test']).toBe(SUITE);
  });
});
