import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBundleFrame, encodeBundleFrame } from '../../electron/engine/kube/collect/bundle-frame.js';
import { collectPlan, jobNameFor } from '../../electron/engine/kube/collect/collect-plan.js';
import { ROOT } from '../helpers/cli.js';

describe('bundle frame in a pod log', () => {
  const bytes = randomBytes(50_000);
  const frame = encodeBundleFrame(bytes);

  it('survives stderr lines interleaved with the frame and text around it', () => {
    const lines = frame.split('\n');
    lines.splice(3, 0, 'W1202 warning: something on stderr', '');
    const log = `starting collector\n${lines.join('\n')}Collected 3 containers, 1 findings\n`;
    expect(decodeBundleFrame(log, 1e6).bytes.equals(bytes)).toBe(true);
  });

  it('refuses a cut, altered, oversized or missing frame with a reason', () => {
    expect(() => decodeBundleFrame(frame.slice(0, frame.length / 2), 1e6)).toThrow(/cut off/);
    const lines = frame.split('\n');
    lines[5] = lines[5]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect(() => decodeBundleFrame(lines.join('\n'), 1e6)).toThrow(/does not match its header/);
    expect(() => decodeBundleFrame(frame, 1000)).toThrow(/over the 1000-byte limit/);
    expect(() => decodeBundleFrame('error: no engine\n', 1e6)).toThrow(/holds no bundle/);
  });
});

describe('collection plan', () => {
  it('gives every node a distinct valid Job name, however its name is spelt', () => {
    const names = ['ip-10-0-1-5.ec2.internal', 'IP-10-0-1-5.EC2.INTERNAL', 'x'.repeat(300), '--', 'node_ä'].map(
      jobNameFor,
    );
    for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it('mounts only what the host-side collectors read, read-only where it can, and pins each Job to its node', () => {
    const plan = collectPlan({ runId: 'abcd1234', nodes: ['n1'], image: 'img:1', since: '24h', deadlineSeconds: 600 });
    const spec = (plan.jobs[0]!.job as any).spec.template.spec;
    expect(spec.nodeName).toBe('n1');
    expect(spec.containers[0].volumeMounts.find((m: any) => m.name === 'engine-data').readOnly).toBe(true);
    expect(spec.volumes.map((v: any) => v.hostPath?.path).filter(Boolean)).toEqual([
      '/var/run/docker.sock',
      '/var/lib/docker',
    ]);
    expect(spec.containers[0].securityContext.privileged).toBeUndefined();
  });

  it('the collector image is built from the project and runs the CLI the Jobs call', () => {
    const dockerfile = readFileSync(path.join(ROOT, 'electron/engine/kube/collect/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/opt\/stowaway\/dist\/cli\.mjs"\]/);
    expect(dockerfile).toMatch(/electron\/build\/build\.mjs node/);
  });
});
