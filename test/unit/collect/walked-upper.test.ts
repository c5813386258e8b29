import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCriticalFromLayers } from '../../../electron/engine/collect/critical-from-layers.js';
import { upperDirChanges } from '../../../electron/engine/collect/file-changes.js';
import { LayerCache, type Layers } from '../../../electron/engine/collect/layers.js';

/** An overlay as the engine leaves it on disk: an image layer and a container's upper dir, built from real files. */
describe('critical files looked up through a walked upper dir', () => {
  let dir = '';
  let layers: Layers;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sw-layers-'));
    const lower = path.join(dir, 'lower');
    const upper = path.join(dir, 'upper');
    const put = (root: string, rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    };
    put(lower, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
    put(lower, 'etc/shadow', 'root:*:1::::::\n');
    put(lower, 'etc/group', 'root:x:0:\n');
    put(lower, 'etc/cron.d/base', '# base\n');
    put(lower, 'etc/profile.d/a.sh', 'export A=1\n');
    put(lower, 'home/app/.ssh/authorized_keys', 'ssh-ed25519 AAAA app@image\n');
    put(upper, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\nevil:x:0:0::/:/bin/sh\n');
    put(upper, 'etc/cron.d/evil', '* * * * * root nc 127.0.0.1 4444\n');
    put(upper, 'home/bob/.ssh/authorized_keys', 'ssh-ed25519 BBBB bob@c2\n');
    // A deleted file (whiteout) and a planted link that would lead out of the layer.
    execFileSync('mknod', [path.join(upper, 'etc/shadow'), 'c', '0', '0']);
    mkdirSync(path.join(upper, 'etc/profile.d'), { recursive: true });
    symlinkSync('/etc', path.join(upper, 'root'));
    layers = { upper, lowers: [lower] };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds what a lookup path by path finds, asking only for what the container has', async () => {
    const direct = await readCriticalFromLayers(layers, [], new LayerCache());
    const cache = new LayerCache();
    const diff = await upperDirChanges(layers, cache);
    expect(cache.upperStat(layers.upper!, '/etc/passwd')).toBeTruthy();
    expect(cache.upperStat(layers.upper!, '/etc/sudoers')).toBeNull();
    const walked = await readCriticalFromLayers(layers, [], cache);
    const view = (xs: typeof direct) => xs.map((c) => [c.path, c.sha256, c.imageSha256 ?? '']);
    expect(view(walked)).toEqual(view(direct));
    const paths = walked.map((c) => c.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/etc/passwd',
        '/etc/group',
        '/etc/cron.d/evil',
        '/etc/cron.d/base',
        '/home/bob/.ssh/authorized_keys',
        '/home/app/.ssh/authorized_keys',
      ]),
    );
    expect(paths).not.toContain('/etc/shadow');
    expect(diff.changes.find((c) => c.path === '/etc/shadow')?.kind).toBe('deleted');
  });
});
