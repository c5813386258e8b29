import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../electron/engine/app.js';
import { contextDirName } from '../../../electron/engine/connections/docker-contexts.js';

describe('engines.warnings: why configured engines are missing', () => {
  const ctx = { transport: 'http' as const, user: 'analyst' };

  it('reports a broken docker context, an unreadable kubeconfig and a corrupt engines.json, and clears once fixed', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'sw-warn-home-'));
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sw-warn-data-'));
    const meta = path.join(home, '.docker/contexts/meta', contextDirName('broken'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), '{"Name": "broken",');
    const kubeconfig = path.join(home, 'kubeconfig');
    writeFileSync(kubeconfig, 'clusters: [\n  - {name: a\n');
    writeFileSync(path.join(dataDir, 'engines.json'), '{"hosts": 42}');
    const app = createApp({ env: { PATH: process.env.PATH, KUBECONFIG: kubeconfig }, home, dataDir });
    try {
      const r = await app.dispatch('engines.warnings', {}, ctx);
      expect(r.ok).toBe(true);
      const warnings = (r as { value: { warnings: string[] } }).value.warnings;
      expect(warnings).toHaveLength(3);
      expect(warnings.find((w) => w.includes(path.join(meta, 'meta.json')))).toMatch(/^unreadable context /);
      expect(warnings.find((w) => w.startsWith(kubeconfig))).toBeDefined();
      expect(warnings).toContain(
        `${path.join(dataDir, 'engines.json')} is not a valid saved-hosts file; saved hosts are not shown until it is fixed or moved away`,
      );

      // Fixed on disk: rediscovering clears them.
      writeFileSync(
        path.join(meta, 'meta.json'),
        JSON.stringify({
          Name: 'broken',
          Metadata: {},
          Endpoints: { docker: { Host: 'unix:///var/run/docker.sock' } },
        }),
      );
      writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
      writeFileSync(path.join(dataDir, 'engines.json'), JSON.stringify({ version: 1, hosts: [] }));
      expect((await app.dispatch('engines.rediscover', {}, ctx)).ok).toBe(true);
      expect(await app.dispatch('engines.warnings', {}, ctx)).toEqual({ ok: true, value: { warnings: [] } });
    } finally {
      await app.dispose();
    }
  });
});
