import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { clip } from '@shared/domain/bounds.js';
import { AppError } from '@shared/errors.js';

/**
 * GET requests to a context's API server with the credentials client-node resolves (client certificate,
 * token, exec plugin, service account). The bytes are kept as received, so each page of a list is hashed
 * as evidence before it is parsed; one keep-alive agent serves a whole scan.
 */

/** An API answer that is not 2xx, with the reason kube-apiserver gave (Forbidden, NotFound...). */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface KubeHttp {
  readonly server: string;
  readonly context: string;
  get(path: string, timeoutMs?: number): Promise<{ bytes: Buffer; json: unknown }>;
  close(): void;
}

/** Answers are bounded: a hostile API server cannot make the scan hold gigabytes. */
const MAX_RESPONSE = 256 * 1024 * 1024;

export async function kubeHttp(kc: KubeConfig, opts: { timeoutMs?: number } = {}): Promise<KubeHttp> {
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new AppError('VALIDATION', `kubeconfig context "${clip(kc.getCurrentContext(), 100)}" has no cluster`);
  const base = new URL(cluster.server);
  const tls: https.RequestOptions & { headers?: Record<string, string> } = { headers: {} };
  await kc.applyToHTTPSOptions(tls);
  const auth =
    (tls.headers as Record<string, string> | undefined)?.Authorization ??
    (tls.headers as Record<string, string> | undefined)?.authorization;
  const isHttps = base.protocol === 'https:';
  const agent = isHttps
    ? new https.Agent({
        keepAlive: true,
        maxSockets: 4,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        pfx: tls.pfx,
        passphrase: tls.passphrase,
        rejectUnauthorized: tls.rejectUnauthorized,
        servername: tls.servername,
      })
    : new http.Agent({ keepAlive: true, maxSockets: 4 });
  const basicAuth = tls.auth;
  const timeout = opts.timeoutMs ?? 15_000;
  const context = kc.getCurrentContext();

  const get = (path: string, timeoutMs = timeout) =>
    new Promise<{ bytes: Buffer; json: unknown }>((resolve, reject) => {
      const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'stowaway (read-only scan)' };
      if (auth) headers.authorization = auth;
      const req = (isHttps ? https : http).request(url, { method: 'GET', agent, headers, auth: basicAuth }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE) {
            req.destroy(new AppError('ENGINE_ERROR', `GET ${path}: answer larger than ${MAX_RESPONSE} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = JSON.parse(bytes.toString('utf8'));
          } catch {
            json = undefined;
          }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300 && json !== undefined) return resolve({ bytes, json });
          const st = (json ?? {}) as { reason?: unknown; message?: unknown };
          const reason =
            typeof st.reason === 'string'
              ? st.reason
              : code === 401
                ? 'Unauthorized'
                : code === 403
                  ? 'Forbidden'
                  : `HTTP ${code}`;
          const message =
            typeof st.message === 'string' ? st.message : `${reason} (${bytes.toString('utf8').slice(0, 200)})`;
          reject(new KubeApiError(code, reason, clip(message, 1024)));
        });
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () =>
        req.destroy(
          new AppError(
            'ENGINE_TIMEOUT',
            `The API server of context "${clip(context, 100)}" did not answer GET ${clip(path, 200)} in ${timeoutMs} ms`,
          ),
        ),
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(
          e instanceof AppError || e instanceof KubeApiError
            ? e
            : new AppError(
                e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH'
                  ? 'ENGINE_UNREACHABLE'
                  : 'ENGINE_ERROR',
                `API server ${base.host} (context ${clip(context, 100)}): ${e.message.slice(0, 300)}`,
              ),
        ),
      );
      req.end();
    });

  return { server: base.origin, context, get, close: () => agent.destroy() };
}
