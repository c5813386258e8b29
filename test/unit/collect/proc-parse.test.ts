import { describe, expect, it } from 'vitest';
import {
  containerIdOfCgroup,
  decodeAddress,
  parseMounts,
  parseProcNet,
  parseProcNetUnix,
  parseStat,
  parseStatus,
} from '../../../electron/engine/collect/proc-parse.js';
import { processFlags } from '../../../electron/engine/collect/host-procs.js';
import { parseLsattr, parseProtAttrs } from '../../../electron/engine/collect/attrs.js';
import { scratchTmpfsMounts } from '../../../electron/engine/collect/tmpfs-files.js';
import { isCriticalPath } from '../../../electron/engine/collect/critical-files.js';
import { parseSince } from '@shared/domain/duration.js';
import { mapApiChanges } from '../../../electron/engine/collect/file-changes.js';
import { contentFlags, fileContent } from '../../../electron/engine/collect/file-content.js';
import { createLimiter } from '../../../electron/engine/collect/limiter.js';
import { withTimeout } from '../../../electron/engine/collect/timeout.js';

const ID = 'ab38fa2a235111dd2a0b10c4fb32f7784bca5744f5e1a707b24bffb0aa959477';

describe('procfs parsers', () => {
  it('decodes IPv4 and IPv6 socket addresses in kernel byte order', () => {
    expect(decodeAddress('0100007F:1F90')).toEqual({ address: '127.0.0.1', port: 8080 });
    expect(decodeAddress('00000000000000000000000000000000:115C')).toEqual({ address: '::', port: 4444 });
    expect(decodeAddress('00000000000000000000000001000000:0016')).toEqual({ address: '::1', port: 22 });
    expect(decodeAddress('0000000000000000FFFF00000100007F:0050')).toEqual({ address: '::ffff:127.0.0.1', port: 80 });
  });

  it('parses /proc/net/tcp rows with states and inodes, skipping junk', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:115C 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 25702 1 0000 100 0 0 10 0',
      '   1: 0100007F:D2B4 0100007F:115C 01 00000000:00000000 00:00000000 00000000     0        0 25800 1 0000 20 4 30 10 -1',
      'garbage line',
    ].join('\n');
    const rows = parseProcNet(text, 'tcp');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ localAddress: '127.0.0.1', localPort: 4444, state: 'LISTEN', inode: 25702 });
    expect(rows[1]).toMatchObject({ remotePort: 4444, state: 'ESTABLISHED', inode: 25800 });
    expect(parseProcNet(text, 'udp')[0]!.state).toBe('UNCONN');
  });

  it('parses /proc/net/unix listeners and paths', () => {
    const text =
      'Num       RefCount Protocol Flags    Type St Inode Path\n0000000000000000: 00000002 00000000 00010000 0001 01 31337 /run/evil.sock\n0000000000000000: 00000003 00000000 00000000 0001 03 31338\n';
    const rows = parseProcNetUnix(text);
    expect(rows[0]).toMatchObject({ protocol: 'unix', state: 'LISTEN', inode: 31337, localAddress: '/run/evil.sock' });
    expect(rows[1]).toMatchObject({ state: 'ESTABLISHED', inode: 31338, localAddress: '' });
  });

  it('parses status and a stat line whose comm holds spaces and parentheses', () => {
    expect(parseStatus('Name:\tnc\nPPid:\t12973\nUid:\t1000\t1000\t1000\t1000\nNSpid:\t13002\t8\n')).toEqual({
      name: 'nc',
      ppid: 12973,
      uid: 1000,
      nsPids: [13002, 8],
    });
    const st = parseStat(
      '42 (evil) (x) S 7 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 555 1000 25 18446744073709551615',
    );
    expect(st).toMatchObject({ pid: 42, comm: 'evil) (x', state: 'S', ppid: 7, startTicks: 555, rssPages: 25 });
    expect(parseStat('no parens')).toBeNull();
  });

  it('unescapes mount points and finds container ids in cgroup files of both drivers', () => {
    expect(
      parseMounts('72 48 0:39 / / rw - overlay overlay rw\n80 72 0:50 / /my\\040dir rw - tmpfs tmpfs rw\n').map(
        (m) => m.mountPoint,
      ),
    ).toEqual(['/', '/my dir']);
    expect(containerIdOfCgroup(`12:pids:/docker/${ID}\n`)).toBe(ID);
    expect(containerIdOfCgroup(`0::/system.slice/docker-${ID}.scope\n`)).toBe(ID);
    expect(containerIdOfCgroup('0::/user.slice/session-1.scope\n')).toBeUndefined();
  });
});

describe('collector helpers', () => {
  it('flags processes from exe, argv and stdio', () => {
    expect(
      processFlags({ exe: '/tmp/x (deleted)', cmdline: 'x', stdio: ['socket:[1]', 'socket:[1]', '/dev/null'] }).sort(),
    ).toEqual(['deleted-exe', 'socket-stdio', 'tmp-exe']);
    expect(processFlags({ exe: '/memfd: (deleted)', cmdline: '[kworker/0:1]' }).sort()).toEqual([
      'deleted-exe',
      'kernel-thread-name',
      'memfd',
    ]);
    expect(
      processFlags({ exe: '/bin/busybox', cmdline: 'sleep 10', stdio: ['/dev/null', 'pipe:[1]', 'pipe:[2]'] }),
    ).toEqual([]);
  });

  it('reads lsattr output, critical paths, durations and API change kinds', () => {
    const attrs = parseLsattr(
      '----i---------e------- /m/tmp/imm\n-----a--------e------- /m/tmp/app\n--------------e------- /m/tmp/ok\n',
    );
    expect(attrs.get('/m/tmp/imm')).toEqual(['immutable']);
    expect(attrs.get('/m/tmp/app')).toEqual(['append-only']);
    expect(attrs.get('/m/tmp/ok')).toEqual([]);
    // overlayfs' xattr as getfattr dumps it: octal-escaped names, trusted. or user. prefix, both flags at once.
    const prot = parseProtAttrs(
      '# file: /u/etc/cron.d/keep\ntrusted.overlay.protattr="i"\n\n# file: /u/we ird\\012name\\134x\nuser.overlay.protattr="ia"\n\n# file: /u/other\ntrusted.overlay.origin=0sAAA\n',
    );
    expect(prot.get('/u/etc/cron.d/keep')).toEqual(['immutable']);
    expect(prot.get('/u/we ird\nname\\x')).toEqual(['immutable', 'append-only']);
    expect(prot.has('/u/other')).toBe(false);
    const mountinfo = [
      '600 500 0:60 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w',
      '601 600 0:62 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755',
      '602 601 0:63 / /dev/pts rw,nosuid,noexec - devpts devpts rw,gid=5,mode=620',
      '603 601 0:64 / /dev/shm rw,nosuid,nodev,noexec - tmpfs shm rw,size=65536k',
      '604 600 0:65 / /app/cache rw - tmpfs tmpfs rw',
      '605 600 0:66 / /tmp rw - tmpfs tmpfs rw',
    ].join('\n');
    // Only scratch places, only tmpfs; an application's own tmpfs is its business.
    expect(scratchTmpfsMounts(parseMounts(mountinfo))).toEqual(['/dev', '/dev/shm', '/tmp']);
    expect(isCriticalPath('/home/bob/.ssh/authorized_keys')).toBe(true);
    expect(isCriticalPath('/etc/cron.d/evil')).toBe(true);
    expect(isCriticalPath('/etc/cron.d/a/b')).toBe(false);
    expect(isCriticalPath('/etc/passwdx')).toBe(false);
    expect(parseSince('2h', 10_000_000).getTime()).toBe(10_000_000 - 7_200_000);
    expect(parseSince('2026-01-02T03:04:05Z').toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(() => parseSince('yesterday')).toThrow(/duration/);
    expect(
      mapApiChanges([
        { Path: '/a', Kind: 0 },
        { Path: '/b', Kind: 1 },
        { Path: '/c', Kind: 2 },
      ]).map((c) => c.kind),
    ).toEqual(['changed', 'added', 'deleted']);
    expect(mapApiChanges(null)).toEqual([]);
    expect(mapApiChanges(Buffer.from('null'))).toEqual([]);
    expect(mapApiChanges([{ Path: 42 }, { Path: '/x', Kind: 9 }])).toEqual([
      { path: '/x', kind: 'changed', flags: [] },
    ]);
  });

  it('keeps text readable, binaries as a head, and flags ELF, scripts and setuid', () => {
    const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
    expect(contentFlags(elf, 0o104755, 'x').sort()).toEqual(['elf', 'executable', 'setuid']);
    expect(contentFlags(Buffer.from('#!/bin/sh'), 0o100644, '.hidden').sort()).toEqual(['hidden', 'script']);
    const text = fileContent('/etc/passwd', Buffer.from('root:x:0:0::/root:/bin/sh\n'), true);
    expect(text?.text).toContain('root:x');
    expect(text?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const bin = fileContent('/tmp/x', elf, true);
    expect(bin?.text).toBeUndefined();
    expect(bin?.headHex).toBe('7f454c4602010100');
    expect(fileContent('/tmp/big', Buffer.alloc(4), false)).toBeNull();
  });

  it('limits concurrency and times out slow calls', async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limit(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    let released = false;
    await expect(
      withTimeout(new Promise(() => undefined), 20, 'slow call', () => (released = true)),
    ).rejects.toMatchObject({ code: 'ENGINE_TIMEOUT' });
    expect(released).toBe(true);
  });
});
