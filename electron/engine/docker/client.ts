import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { Endpoint } from '@shared/domain/engine.js';
import { AppError } from '@shared/errors.js';
import { boundStreamsUntilHeaders } from './stream-timeouts.js';
import { dockerFor } from './own-endpoint.js';

/** Per-request socket time-out; a single slow host must never freeze a scan or the UI. */
export const DEFAULT_CALL_TIMEOUT_MS = 15_000;

/** Builds a dockerode client for a Docker endpoint. ssh endpoints are built by the ssh module, which checks host keys. */
export function createDockerClient(
  endpoint: Endpoint,
  timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  apiVersion?: string,
): Docker {
  return boundStreamsUntilHeaders(buildClient(endpoint, timeoutMs, apiVersion), timeoutMs);
}

function buildClient(endpoint: Endpoint, timeoutMs: number, apiVersion?: string): Docker {
  // A pinned version (DOCKER_API_VERSION) prefixes every path, as the docker CLI does.
  const version = apiVersion ? (apiVersion.startsWith('v') ? apiVersion : `v${apiVersion}`) : undefined;
  switch (endpoint.type) {
    case 'unix':
      return dockerFor({ socketPath: endpoint.socketPath, timeout: timeoutMs, version });
    case 'npipe':
      return dockerFor({ socketPath: endpoint.pipePath, timeout: timeoutMs, version });
    case 'tcp': {
      if (!endpoint.tls) {
        if (!endpoint.allowInsecure) {
          throw new AppError(
            'INSECURE_NOT_ALLOWED',
            `tcp://${endpoint.host}:${endpoint.port} has no TLS. Anyone on the network path could drive this engine; pass --allow-insecure to connect anyway.`,
          );
        }
        return dockerFor({ protocol: 'http', host: endpoint.host, port: endpoint.port, timeout: timeoutMs, version });
      }
      const read = (p?: string, what?: string) => {
        if (!p) return undefined;
        try {
          return readFileSync(p);
        } catch {
          throw new AppError(
            'TLS_VERIFY_FAILED',
            `The TLS ${what} ${p} cannot be read; check the context's TLS material or DOCKER_CERT_PATH`,
          );
        }
      };
      return dockerFor({
        protocol: 'https',
        host: endpoint.host,
        port: endpoint.port,
        ca: read(endpoint.tls.caPath, 'CA certificate'),
        cert: read(endpoint.tls.certPath, 'client certificate'),
        key: read(endpoint.tls.keyPath, 'client key'),
        timeout: timeoutMs,
        version,
        // docker-modem does not forward rejectUnauthorized, so a context with SkipTLSVerify gets its own agent.
        ...(endpoint.tls.verify === false
          ? {
              agent: new https.Agent({
                rejectUnauthorized: false,
                ca: read(endpoint.tls.caPath, 'CA certificate'),
                cert: read(endpoint.tls.certPath, 'client certificate'),
                key: read(endpoint.tls.keyPath, 'client key'),
              }),
            }
          : {}),
      } as Docker.DockerOptions);
    }
    default:
      throw new AppError('VALIDATION', `Endpoint type ${endpoint.type} is not a Docker endpoint`);
  }
}

/** Human form of an endpoint, as the docker CLI writes it. */
export function endpointUrl(endpoint: Endpoint): string {
  switch (endpoint.type) {
    case 'unix':
      return `unix://${endpoint.socketPath}`;
    case 'npipe':
      return `npipe://${endpoint.pipePath.replace(/\\/g, '/')}`;
    case 'tcp':
      return `tcp://${endpoint.host}:${endpoint.port}`;
    case 'ssh':
      return `ssh://${endpoint.user ? `${endpoint.user}@` : ''}${endpoint.host}:${endpoint.port}`;
    case 'kubernetes':
      return `kubernetes://${endpoint.context}`;
    case 'bundle':
      return `bundle://${endpoint.path}`;
  }
}
