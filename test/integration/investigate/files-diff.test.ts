import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { createApp } from '../../../electron/engine/app.js';
import { FileInvestigator } from '../../../electron/engine/investigate/files.js';
import { docker, removeSuite, runContainer, TEST_LABEL } from '../../helpers/docker.js';

const SUITE = 'int-files-diff';
const ctx = { transport: 'cli' as const, user: 'tester' };

describe('investigate.fileDiff and containers.stats against the local engine', () => {
  let app: ReturnType<typeof createApp>;
  let c: Docker.Container;
  let engineId: string;

  beforeAll(async () => {
    await removeSuite(SUITE);
    c = await runContainer({
      suite: SUITE,
      name: `sw-int-va-${process.pid}`,
      cmd: [
        'sh',
        '-c',
        // A changed /etc/passwd, a new file with an escape sequence, a binary, a deleted file, then idle.
        'echo "backdoor:x:0:0::/root:/bin/sh" >> /etc/passwd; printf "evil\\033[31m\\n" > /tmp/note; cp /bin/busybox /tmp/bin; rm /etc/group; exec sleep 3600',
      ],
    });
    await new Promise((r) => setTimeout(r, 800));
    app = createApp({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'sw-va-')) });
    engineId = app.engines.list()[0]!.id;
  });
  afterAll(async () => {
    await app?.dispose();
    await removeSuite(SUITE);
  });

  const diff = async (p: string) => {
    const r = await app.dispatch('investigate.fileDiff', { engineId, containerId: c.id, path: p }, ctx);
    if (!r.ok) throw new Error(r.error.message);
    return r.value as import('@shared/api/investigate.js').FileDiff;
  };

  it('diffs a changed text file against the image version line by line', async () => {
    const d = await diff('/etc/passwd');
    expect(d.container.exists && d.image.exists).toBe(true);
    expect(d.added).toBe(1);
    expect(d.removed).toBe(0);
    expect(d.lines.filter((l) => l.op === 'add').map((l) => l.text)).toEqual(['backdoor:x:0:0::/root:/bin/sh']);
    expect(d.container.sha256).not.toBe(d.image.sha256);
    expect(d.imageSource).toBe('lowerdir');
  });

  it('reads the image side through a created, never-started container when lower dirs are not used', async () => {
    const files = new FileInvestigator(app.engines, { lowerDir: false });
    const viaTemp = await files.fileDiff(engineId, c.id, '/etc/passwd');
    const viaLower = await diff('/etc/passwd');
    expect(viaTemp.imageSource).toBe('temp-container');
    expect(viaTemp.image.sha256).toBe(viaLower.image.sha256);
    expect(viaTemp.lines).toEqual(viaLower.lines);
    // The temporary container is gone again.
    const left = await docker.listContainers({
      all: true,
      filters: { label: ['stowaway.temp', `${TEST_LABEL}=${SUITE}`] },
    });
    expect(left).toHaveLength(0);
  });

  it('treats added, deleted and binary files as such', async () => {
    const added = await diff('/tmp/note');
    expect(added.image.exists).toBe(false);
    expect(added.container.text).toBe('evil\u001b[31m\n');
    expect(added.added).toBe(1);
    const deleted = await diff('/etc/group');
    expect(deleted.container.exists).toBe(false);
    expect(deleted.image.exists).toBe(true);
    expect(deleted.removed).toBeGreaterThan(0);
    const bin = await diff('/tmp/bin');
    expect(bin.container.binary).toBe(true);
    expect(bin.container.text).toBeUndefined();
    expect(bin.container.headHex?.startsWith('7f454c46')).toBe(true);
    expect(bin.lines).toHaveLength(0);
  });

  it('refuses relative paths and answers NOT_FOUND for an unknown container', async () => {
    const bad = await app.dispatch('investigate.fileDiff', { engineId, containerId: c.id, path: 'etc/passwd' }, ctx);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('VALIDATION');
    const gone = await app.dispatch(
      'investigate.fileDiff',
      { engineId, containerId: 'f'.repeat(64), path: '/etc/passwd' },
      ctx,
    );
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error.code).toBe('NOT_FOUND');
  });

  it('samples resource use of a running container', async () => {
    const r = await app.dispatch('containers.stats', { engineId, containerId: c.id }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = r.value as { pids: number; memoryBytes: number; cpuPercent: number };
    expect(s.pids).toBeGreaterThanOrEqual(1);
    expect(s.memoryBytes).toBeGreaterThan(0);
    expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
  });
});
