import { randomBytes } from 'node:crypto';

/** How long a sign-in code stays good: long enough for a browser to start, short enough to be useless later. */
export const LOGIN_CODE_TTL_MS = 60_000;
/** Codes not yet redeemed at once; older ones are dropped first. */
const MAX_OPEN = 16;

/**
 * One-time sign-in codes for the URL handed to the browser opener. A process's argv is readable by every local
 * user (ps, /proc/PID/cmdline), so that URL must carry nothing that still works once the browser used it: the
 * code is exchanged for the session cookie once, and expires unused after a short time.
 */
export class LoginCodes {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly ttlMs = LOGIN_CODE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  issue(): string {
    this.prune();
    while (this.open.size >= MAX_OPEN) this.open.delete(this.open.keys().next().value!);
    const code = randomBytes(32).toString('base64url');
    this.open.set(code, this.now() + this.ttlMs);
    return code;
  }

  /** True once for a code that was issued and has not expired; the code is spent either way. */
  redeem(code: string | null | undefined): boolean {
    if (!code) return false;
    const until = this.open.get(code);
    this.open.delete(code);
    return until !== undefined && this.now() <= until;
  }

  private prune(): void {
    const t = this.now();
    for (const [code, until] of this.open) if (until < t) this.open.delete(code);
  }
}
