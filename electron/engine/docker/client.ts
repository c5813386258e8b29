import Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import type { Endpoint } from '../../../shared/domain/engine.js';
import { AppError } from '../../../shared/errors.js';

/** Per-request socket time-out; a single slow host must never freeze a scan or the UI. */
export const DEFAULT_CALL_TIMEOUT_MS = 15_000;

/** Builds a dockerode client for a Docker endpoint. ssh endpoints are built by the ssh module, which checks host keys. */
export function createDockerClient(endpoint: Endpoint, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Docker {
  switch (endpoint.type) {
    case 'unix':
      return new Docker({ socketPath: endpoint.socketPath, timeout: timeoutMs });
    case 'npipe':
      return new Docker({ socketPath: endpoint.pipePath, timeout: timeoutMs });
    case 'tcp': {
      if (!endpoint.tls) {
        if (!endpoint.allowInsecure) {
          throw new AppError('INSECURE_NOT_ALLOWED', `tcp://${endpoint.host}:${endpoint.port} has no TLS. Anyone on the network path could drive this engine; pass --allow-insecure to connect anyway.`);
        }
        return new Docker({ protocol: 'http', host: endpoint.host, port: endpoint.port, timeout: timeoutMs });
      }
      const read = (p?: string) => (p ? readFileSync(p) : undefined);
      return new Docker({
        protocol: 'https',
        host: endpoint.host,
        port: endpoint.port,
        ca: read(endpoint.tls.caPath),
        cert: read(endpoint.tls.certPath),
        key: read(endpoint.tls.keyPath),
        timeout: timeoutMs,
        // dockerode forwards this to https.Agent; verification stays on unless the context says otherwise.
        ...(endpoint.tls.verify === false ? { rejectUnauthorized: false } : {}),
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
  }
}
