import { AppError } from '@shared/app-error.js';

/**
 * Translates raw errors from sockets, TLS, ssh and the Engine API into AppErrors with a message an analyst
 * can act on. The original message stays in `details` for the log.
 */
export function toAppError(e: unknown, target = 'the engine'): AppError {
  if (e instanceof AppError) return e;
  const err = e as {
    code?: string;
    message?: string;
    statusCode?: number;
    level?: string;
    reason?: string;
    json?: { message?: string };
  };
  const msg = String(err?.message ?? e);
  const code = err?.code;
  const details = { original: msg.slice(0, 2000), code };
  if (code === 'ENOENT' && /connect/.test(msg))
    return new AppError(
      'SOCKET_MISSING',
      `The Docker socket of ${target} does not exist (${pathOf(msg)}). Is dockerd running?`,
      details,
    );
  if (code === 'EACCES' || code === 'EPERM')
    return new AppError(
      'PERMISSION_DENIED',
      `Permission denied on ${target} (${pathOf(msg)}). Add your user to the docker group or use a context you may access.`,
      details,
    );
  if (code === 'ECONNREFUSED')
    return new AppError(
      'ENGINE_UNREACHABLE',
      `${cap(target)} refused the connection (${pathOf(msg)}). Nothing is listening there.`,
      details,
    );
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new AppError('ENGINE_UNREACHABLE', `${cap(target)} cannot be reached: ${msg}`, details);
  if (/Host denied \(verification failed\)/i.test(msg))
    return new AppError(
      'SSH_UNKNOWN_HOST_KEY',
      `The ssh host key of ${target} could not be verified against known_hosts.`,
      details,
    );
  if (/Cannot parse privateKey|Encrypted private .* no passphrase/i.test(msg))
    return new AppError(
      'SSH_AUTH_FAILED',
      `The ssh key for ${target} cannot be used: ${firstLine(msg)}. Encrypted keys must be loaded into ssh-agent.`,
      details,
    );
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || /timeout|timed out/i.test(msg))
    return new AppError('ENGINE_TIMEOUT', `${cap(target)} did not answer in time.`, details);
  if (err?.level === 'client-authentication' || /All configured authentication methods failed/i.test(msg))
    return new AppError(
      'SSH_AUTH_FAILED',
      `SSH authentication to ${target} failed: no key was accepted. Check the user, the key file or ssh-agent.`,
      details,
    );
  if (/bad certificate|certificate required|alert handshake/i.test(msg))
    return new AppError(
      'TLS_CLIENT_CERT_REJECTED',
      `${cap(target)} rejected the TLS client certificate. Set the client cert and key (DOCKER_CERT_PATH or the context's TLS material).`,
      details,
    );
  if (
    /unable to verify|self.signed|certificate|UNABLE_TO_GET_ISSUER|CERT_/i.test(msg) ||
    (code && /CERT|SSL/.test(code))
  )
    return new AppError(
      'TLS_VERIFY_FAILED',
      `TLS verification of ${target} failed: ${msg}. Check the CA certificate.`,
      details,
    );
  if (/Client sent an HTTP request to an HTTPS server/i.test(msg))
    return new AppError(
      'TLS_REQUIRED',
      `${cap(target)} speaks TLS: use tcp with TLS (DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH).`,
      details,
    );
  if (/client version .* is too (new|old)|API version/i.test(msg))
    return new AppError(
      'API_VERSION',
      `Engine API version mismatch with ${target}: ${firstLine(err?.json?.message ?? msg)}`,
      details,
    );
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(msg))
    return new AppError(
      'ENGINE_UNREACHABLE',
      `${cap(target)} closed the connection without answering (it may have restarted, or the call timed out).`,
      details,
    );
  if (/EPROTO|wrong version number|packet length too long/i.test(msg))
    return new AppError(
      'TLS_VERIFY_FAILED',
      `${cap(target)} does not speak TLS on that port: ${firstLine(msg)}`,
      details,
    );
  if (err?.statusCode === 404) return new AppError('NOT_FOUND', firstLine(err?.json?.message ?? msg), details);
  if (err?.statusCode === 403 || err?.statusCode === 401)
    return new AppError('FORBIDDEN', firstLine(err?.json?.message ?? msg), details);
  if (typeof err?.statusCode === 'number')
    return new AppError(
      'ENGINE_ERROR',
      `${cap(target)} answered ${err.statusCode}: ${firstLine(err?.json?.message ?? msg)}`,
      details,
    );
  return new AppError('INTERNAL', firstLine(msg), details);
}

const firstLine = (s: string) => s.split('\n')[0]!.slice(0, 500);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pathOf = (msg: string) => msg.match(/(\/[^\s)]+|\\\\[^\s)]+|\d+\.\d+\.\d+\.\d+:\d+)/)?.[1] ?? 'endpoint';
