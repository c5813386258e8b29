import http from 'node:http';
import { inspect } from 'node:util';
import type { ClientChannel } from 'ssh2';
import type { ChannelKind, ChannelPool } from './channel-pool.js';

interface PendingRequest extends http.ClientRequest {
  onSocket(socket: unknown, err?: Error): void;
  reusedSocket: boolean;
}

/**
 * An http.Agent whose sockets are pooled ssh channels. Node's Agent counts a socket only once it exists, so with
 * an asynchronous createConnection every queued request opens its own channel; here the pool decides, and a
 * request waits for a channel instead.
 */
export class ChannelAgent extends http.Agent {
  private readonly wired = new WeakSet<ClientChannel>();

  constructor(
    private readonly pool: ChannelPool,
    keepAlive: boolean,
  ) {
    super({ keepAlive });
    // http emits 'free' on a socket whose response ended with a reusable connection; the pool takes it back.
    this.removeAllListeners('free');
  }

  /**
   * docker-modem formats every request's options with util.inspect(showHidden, unlimited depth) before sending,
   * whether or not its debug output is on. Those options hold this agent, and through it the pool, its ssh
   * connections and their buffers: hundreds of kilobytes of text and 50-400 ms of blocked event loop per request,
   * which stalls every other channel. The agent shows itself as one line instead.
   */
  [inspect.custom](): string {
    return `ChannelAgent ${JSON.stringify(this.pool.stats())}`;
  }

  addRequest(request: http.ClientRequest): void {
    const req = request as PendingRequest;
    const kind: ChannelKind = req.getHeader('upgrade') || isLongLived(req.path) ? 'stream' : 'request';
    this.pool.acquire(kind).then(
      (ch) => {
        if (!this.wired.has(ch)) {
          this.wired.add(ch);
          ch.on('free', () => {
            (ch as unknown as { _httpMessage: unknown })._httpMessage = null;
            this.pool.release(ch);
          });
        } else {
          req.reusedSocket = true;
        }
        if (req.destroyed) return this.pool.release(ch);
        req.onSocket(ch);
      },
      (e: Error) => req.onSocket(null, e),
    );
  }
}

/** Engine API calls that keep their connection open for as long as the caller wants: they count as streams. */
export function isLongLived(requestPath: string): boolean {
  const [rawPath = '', query = ''] = requestPath.split('?', 2);
  const p = rawPath.replace(/^\/v\d+(\.\d+)?(?=\/)/, '');
  const q = new URLSearchParams(query);
  const on = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  if (p === '/events') return !q.has('until');
  if (/^\/containers\/[^/]+\/logs$/.test(p)) return on('follow');
  if (/^\/containers\/[^/]+\/stats$/.test(p)) return !(q.get('stream') === 'false' || q.get('stream') === '0');
  if (/^\/containers\/[^/]+\/(attach|wait)$/.test(p)) return true;
  return /^\/exec\/[^/]+\/start$/.test(p);
}
