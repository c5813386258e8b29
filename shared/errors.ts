import { z } from 'zod';
import { ERROR_CODES, type ErrorPayload } from './app-error.js';

export { AppError, ERROR_CODES, isAppError, type ErrorCode, type ErrorPayload } from './app-error.js';

export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const ErrorPayloadSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
}) satisfies z.ZodType<ErrorPayload>;
