import { ApiError } from '../api/client.js';

/** True when the backend says it has no such operation (an older or partial build): the view degrades, it does not fail. */
export const isUnknownOp = (e: unknown) =>
  e instanceof ApiError && e.code === 'NOT_FOUND' && /^Unknown operation/.test(e.message);
