import type Docker from 'dockerode';
import type { OperationLog, Operation } from './operation-log.js';

interface DialOptions {
  path?: string;
  method?: string;
}
type DialCallback = (err: unknown, data: unknown) => void;
interface Modem {
  dial(options: DialOptions, callback?: DialCallback): unknown;
}

/** Engine API calls that leave an event on the container, with the event actions the daemon writes for them. */
const TRACED: Array<{ method: string; re: RegExp; call: string; actions: string[] }> = [
  { method: 'GET', re: /^(?:\/v[\d.]+)?\/containers\/([^/?]+)\/top(?:\?|$)/, call: 'top', actions: ['top'] },
  {
    method: 'GET',
    re: /^(?:\/v[\d.]+)?\/containers\/([^/?]+)\/archive(?:\?|$)/,
    call: 'archive',
    actions: ['archive-path'],
  },
  {
    method: 'HEAD',
    re: /^(?:\/v[\d.]+)?\/containers\/([^/?]+)\/archive(?:\?|$)/,
    call: 'archive',
    actions: ['archive-path'],
  },
  { method: 'GET', re: /^(?:\/v[\d.]+)?\/containers\/([^/?]+)\/export(?:\?|$)/, call: 'export', actions: ['export'] },
  { method: 'POST', re: /^(?:\/v[\d.]+)?\/containers\/([^/?]+)\/attach(?:\?|$)/, call: 'attach', actions: ['attach'] },
  {
    method: 'POST',
    re: /^(?:\/v[\d.]+)?\/containers\/([^/?]+)\/exec(?:\?|$)/,
    call: 'exec',
    actions: ['exec_create', 'exec_start', 'exec_die', 'exec_detach'],
  },
];
const EXEC_START = /^(?:\/v[\d.]+)?\/exec\/([^/?]+)\/start(?:\?|$)/;

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Records every call of this client that the daemon turns into a container event, in `log`. Wraps docker-modem's
 * one entry point so every collector, view and terminal is covered without each having to remember it.
 * An exec stays open from its create until its session stream ends (the daemon writes exec_die then).
 */
export function traceCalls(docker: Docker, engineId: string, log: OperationLog): Docker {
  const modem = docker.modem as unknown as Modem;
  const dial = modem.dial.bind(modem);
  const execs = new Map<string, Operation>();
  modem.dial = (options: DialOptions, callback?: DialCallback) => {
    const path = options?.path ?? '';
    const method = (options?.method ?? 'GET').toUpperCase();
    const start = EXEC_START.exec(path);
    if (start && method === 'POST') {
      const op = execs.get(decode(start[1]!));
      if (!op) return dial(options, callback);
      return dial(options, (err, data) => {
        const stream = data as NodeJS.ReadableStream | undefined;
        if (err || !stream || typeof (stream as { once?: unknown }).once !== 'function') log.end(op);
        else {
          stream.once('end', () => log.end(op));
          stream.once('close', () => log.end(op));
        }
        callback?.(err, data);
      });
    }
    const traced = TRACED.find((t) => t.method === method && t.re.test(path));
    if (!traced) return dial(options, callback);
    const op = log.begin({
      engineId,
      containerId: decode(traced.re.exec(path)![1]!),
      call: traced.call,
      actions: traced.actions,
    });
    return dial(options, (err, data) => {
      if (traced.call === 'exec' && !err) {
        const id = (data as { Id?: string } | undefined)?.Id;
        // The exec is ours until its session ends; an exec created but never started ends with a bound below.
        if (id) {
          op.execId = id;
          execs.set(id, op);
          if (execs.size > 1000) execs.delete(execs.keys().next().value!);
          setTimeout(() => log.end(op), 10 * 60_000).unref?.();
        } else log.end(op);
      } else if (traced.call === 'attach' && !err && data && typeof (data as { once?: unknown }).once === 'function') {
        (data as NodeJS.ReadableStream).once('close', () => log.end(op));
      } else {
        log.end(op);
      }
      callback?.(err, data);
    });
  };
  return docker;
}
