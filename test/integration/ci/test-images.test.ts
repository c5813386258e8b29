import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, runContainer, removeSuite } from '../../helpers/docker.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SUITE = 'test-images';
const prefix = `stowaway-probe-${randomBytes(4).toString('hex')}`;
const tags = ['busybox', 'web', 'attrs'].map((n) => `${prefix}/${n}:1`);

/** `npm test` builds the offline images itself (global setup runs this script): it must work from nothing. */
describe('offline test images', () => {
  afterAll(async () => {
    await removeSuite(SUITE);
    await Promise.all(
      tags.map((t) =>
        docker
          .getImage(t)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
  });

  it('builds every image without a registry, and the images run their tools', async () => {
    const built = spawnSync('bash', [path.join(ROOT, '.ci/images.sh')], {
      env: { ...process.env, STOWAWAY_TEST_IMAGE_PREFIX: prefix },
      encoding: 'utf8',
    });
    expect(built.stderr).toBe('');
    expect(built.status).toBe(0);
    for (const t of tags) expect((await docker.getImage(t).inspect()).RepoTags).toContain(t);

    const c = await runContainer({
      suite: SUITE,
      image: tags[2],
      cmd: ['sh', '-c', 'lsattr -d /tmp >/dev/null 2>&1; echo ok-$((6*7))'],
    });
    await c.wait();
    const logs = (await c.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(logs).toContain('ok-42');

    // A second run finds the images and builds nothing.
    const again = spawnSync('bash', [path.join(ROOT, '.ci/images.sh')], {
      env: { ...process.env, STOWAWAY_TEST_IMAGE_PREFIX: prefix },
      encoding: 'utf8',
    });
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('');
  }, 120_000);
});
