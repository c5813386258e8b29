import type { Readable, Writable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { clip } from '@shared/domain/bounds.js';
import { AppError } from '@shared/errors.js';
import { loadClientNode } from './kube-config.js';
import { KubeApiError } from './kube-http.js';

/**
 * `pods/exec` through client-node's Exec: a WebSocket to the API server speaking the v5/v4 channel protocol
 * (stdin 0, stdout 1, stderr 2, status 3, resize 4). The socket is made here so that a refusal (403 from RBAC,
 * 404 for a pod that is gone) keeps the Status the API server sent, and the analyst reads its reason.
 */

export interface PodExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

export interface PodExecOptions extends PodExecTarget {
  command: string[];
  tty: boolean;
  stdout: Writable;
  stderr?: Writable;
  stdin?: Readable;
}

/** The status frame the API server sends when the command ends. */
export interface ExecStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

export interface PodExecSession {
  ws: WebSocket;
  /** Resolves when the command ended: its exit code (0 on Success), undefined when the socket closed without a status. */
  exit: Promise<number | undefined>;
  resize(cols: number, rows: number): void;
}

/** The exit code in a status frame: Success is 0, NonZeroExitCode carries it as a cause. */
export function exitCodeOf(s: ExecStatus | undefined): number | undefined {
  if (!s) return undefined;
  if (s.status === 'Success') return 0;
  const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  return Number.isInteger(n) ? n : undefined;
}

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export async function podExec(kc: KubeConfig, o: PodExecOptions): Promise<PodExecSession> {
  const { Exec } = await loadClientNode();
  const where = `pod ${clip(o.namespace, 100)}/${clip(o.pod, 100)} container ${clip(o.container, 100)}`;
  let resolveStatus!: (s: ExecStatus | undefined) => void;
  const status = new Promise<ExecStatus | undefined>((r) => (resolveStatus = r));
  // Exec's own socket handler drops the API server's answer to a refused upgrade; this one keeps it.
  const handler = {
    connect: async (
      path: string,
      _text: unknown,
      binary: (stream: number, data: Buffer) => boolean,
    ): Promise<WebSocket> => {
      const cluster = kc.getCurrentCluster();
      if (!cluster)
        throw new AppError('VALIDATION', `kubeconfig context "${clip(kc.getCurrentContext(), 100)}" has no cluster`);
      const opts: WebSocket.ClientOptions & { headers?: Record<string, string> } = {};
      await kc.applyToHTTPSOptions(opts as never);
      const ws = new WebSocket(`${cluster.server.replace(/^http/, 'ws').replace(/\/$/, '')}${path}`, PROTOCOLS, opts);
      return new Promise<WebSocket>((resolve, reject) => {
        ws.on('unexpected-response', (req, res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if ((size += c.length) <= 64 * 1024) chunks.push(c);
          });
          res.on('end', () => {
            let st: { reason?: unknown; message?: unknown } = {};
            try {
              st = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof st;
            } catch {
              // Not a Status object: the HTTP code alone says what happened.
            }
            const code = res.statusCode ?? 0;
            const reason =
              typeof st.reason === 'string' ? clip(st.reason, 64) : code === 403 ? 'Forbidden' : `HTTP ${code}`;
            reject(new KubeApiError(code, reason, typeof st.message === 'string' ? clip(st.message, 1024) : reason));
            req.destroy();
          });
        });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary || data.length < 1) return;
          const stream = data[0]!;
          // v5 closes one stream with [255, stream]; the command's end comes with the status frame.
          if (stream === 255) return;
          if (!binary(stream, data.subarray(1))) ws.close();
        });
      });
    },
  };
  const exec = new Exec(kc, handler as never);
  // Names go into the URL path: a cluster's own names are DNS labels, anything else is escaped rather than trusted.
  let ws: WebSocket;
  try {
    ws = (await exec.exec(
      encodeURIComponent(o.namespace),
      encodeURIComponent(o.pod),
      o.container,
      o.command,
      o.stdout,
      o.stderr ?? null,
      o.stdin ?? null,
      o.tty,
      (s) => resolveStatus(s as ExecStatus),
    )) as unknown as WebSocket;
  } catch (e) {
    throw execError(e, where);
  }
  ws.on('close', () => resolveStatus(undefined));
  ws.on('error', () => resolveStatus(undefined));
  const resize = (cols: number, rows: number) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: cols, Height: rows }))]));
  };
  return { ws, exit: status.then(exitCodeOf), resize };
}

/** A refusal names the verb and the resource RBAC checks, so the analyst knows which permission is missing. */
function execError(e: unknown, where: string): AppError {
  const err = e;
  if (err instanceof KubeApiError) {
    if (err.status === 403)
      return new AppError('FORBIDDEN', `RBAC denies create on pods/exec for ${where}: ${err.message}`);
    if (err.status === 404) return new AppError('NOT_FOUND', `pods/exec for ${where}: ${err.message}`);
    return new AppError('ENGINE_ERROR', `pods/exec for ${where}: ${err.reason}: ${err.message}`);
  }
  const msg = (err as Error)?.message ?? String(err);
  return new AppError('ENGINE_UNREACHABLE', clip(`pods/exec for ${where}: ${msg}`, 1024));
}
