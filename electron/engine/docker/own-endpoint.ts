import { createRequire } from 'node:module';
import type Docker from 'dockerode';

// dockerode loads its gRPC and protobuf code (BuildKit sessions) as it is required, about 0.3 s of CPU: it is
// required with the first client, so commands that only read cases or the detector catalogue never pay for it.
const requireModule = createRequire(import.meta.url);
let DockerClient: typeof Docker | undefined;
const dockerode = (): typeof Docker => (DockerClient ??= requireModule('dockerode') as typeof Docker);

/** What docker-modem reads from the environment when an option is missing (lib/modem.js, defaultOpts). */
const MODEM_ENV = [
  'DOCKER_HOST',
  'DOCKER_TLS_VERIFY',
  'DOCKER_CERT_PATH',
  'DOCKER_PATH_PREFIX',
  'DOCKER_CLIENT_TIMEOUT',
] as const;

/**
 * A dockerode client built from the given options only. docker-modem fills missing options from DOCKER_HOST and
 * friends, so with DOCKER_HOST=ssh://… exported a client meant for the unix socket would speak ssh to that host.
 * Stowaway resolves every engine's endpoint itself; the environment is hidden while the modem reads it, and every
 * connection field is set explicitly so nothing is left for it to fill.
 */
export function dockerFor(opts: Docker.DockerOptions): Docker {
  const explicit = {
    host: undefined,
    port: undefined,
    protocol: undefined,
    username: undefined,
    password: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    pathPrefix: undefined,
    sshOptions: undefined,
    ...opts,
  } as Docker.DockerOptions;
  const saved = new Map<string, string>();
  for (const k of MODEM_ENV) {
    const v = process.env[k];
    if (v !== undefined) {
      saved.set(k, v);
      delete process.env[k];
    }
  }
  try {
    return new (dockerode())(explicit);
  } finally {
    // Synchronous: nothing else runs between hiding and restoring.
    for (const [k, v] of saved) process.env[k] = v;
  }
}
