import type Docker from 'dockerode';

interface ModemInternals {
  timeout?: number;
  connectionTimeout?: number;
  buildRequest(
    options: unknown,
    context: { isStream?: boolean; hijack?: boolean },
    data: unknown,
    callback: unknown,
  ): void;
}

/**
 * docker-modem applies its time-out to the socket for the whole request, so a quiet `logs --follow`, event stream
 * or exec session would be cut after that many idle seconds. Streams keep the bound only until the response
 * headers arrive (docker-modem's connectionTimeout); ordinary calls keep the idle time-out.
 */
export function boundStreamsUntilHeaders(docker: Docker, timeoutMs: number): Docker {
  const modem = docker.modem as unknown as ModemInternals;
  const build = modem.buildRequest.bind(modem);
  modem.buildRequest = (options, context, data, callback) => {
    if (!context?.isStream && !context?.hijack) return build(options, context, data, callback);
    const { timeout, connectionTimeout } = modem;
    modem.timeout = undefined;
    modem.connectionTimeout = timeoutMs;
    try {
      build(options, context, data, callback);
    } finally {
      modem.timeout = timeout;
      modem.connectionTimeout = connectionTimeout;
    }
  };
  return docker;
}
