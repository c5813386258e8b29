import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request the stalled engine saw, and whether its connection has closed since. */
export interface SeenRequest {
  path: string;
  closed: () => boolean;
  whenClosed: Promise<void>;
}

/**
 * An Engine API on a unix socket that answers some paths in full and, for the rest, sends the response headers and
 * the first bytes of a body, then says nothing more: a daemon handler wedged mid-answer. It records every request
 * with the fate of its connection, so a test can tell whether the client let go of a call it stopped waiting for.
 */
export async function stalledEngine(answers: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'stowaway-stalled-'));
  const socketPath = join(dir, 'docker.sock');
  const seen: SeenRequest[] = [];
  const open = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    open.add(sock);
    let closed = false;
    const whenClosed = new Promise<void>((resolve) =>
      sock.on('close', () => {
        closed = true;
        open.delete(sock);
        resolve();
      }),
    );
    sock.on('error', () => {});
    let head = '';
    sock.on('data', (chunk) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const path = (head.split(' ')[1] ?? '').replace(/^\/v[\d.]+/, '').split('?')[0]!;
      head = head.slice(end + 4);
      seen.push({ path, closed: () => closed, whenClosed });
      const body = answers[path];
      if (body !== undefined) {
        sock.write(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        return;
      }
      // Headers and a fragment of a much longer body, then a byte now and then: enough to keep an idle time-out
      // from firing, never enough to finish the answer.
      sock.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 65536\r\n\r\n{"Id":');
      const trickle = setInterval(() => sock.write(' '), 100);
      sock.on('close', () => clearInterval(trickle));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    seen,
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
