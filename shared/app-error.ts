/** Closed set of error codes that may cross a process boundary; each has a message an analyst can act on. */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'SOCKET_MISSING',
  'PERMISSION_DENIED',
  'SSH_AUTH_FAILED',
  'SSH_UNKNOWN_HOST_KEY',
  'SSH_HOST_KEY_MISMATCH',
  'TLS_VERIFY_FAILED',
  'TLS_CLIENT_CERT_REJECTED',
  'TLS_REQUIRED',
  'INSECURE_NOT_ALLOWED',
  'API_VERSION',
  'ENGINE_TIMEOUT',
  'ENGINE_UNREACHABLE',
  'ENGINE_ERROR',
  'CONFIRMATION_REQUIRED',
  'CANCELLED',
  'DB',
  'DISK_FULL',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/**
 * The only error type that crosses the contract; raw errors are translated before they leave the engine. Kept free
 * of schema code, so the reader threads that throw it load only what they read with.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
