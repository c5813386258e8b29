import { AppError } from '@shared/errors.js';

/** Reads HOST, HOST:PORT, [HOST]:PORT (known_hosts form, also IPv6) or ssh://[user@]HOST[:PORT]; the port defaults to 22. */
export function parseHostPort(raw: string): { host: string; port: number } {
  let s = raw
    .trim()
    .replace(/^ssh:\/\//, '')
    .replace(/\/.*$/, '');
  s = s.slice(s.lastIndexOf('@') + 1);
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  const plain = /^([^:[\]\s]+)(?::(\d+))?$/.exec(s);
  const m = bracket ?? plain;
  const port = m?.[2] === undefined ? 22 : Number(m[2]);
  if (!m || !/^[A-Za-z0-9._:-]{1,255}$/.test(m[1]!) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AppError('VALIDATION', `"${raw.slice(0, 100)}" is not HOST, HOST:PORT or [HOST]:PORT`);
  }
  return { host: m[1]!, port };
}
