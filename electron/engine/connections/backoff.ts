/** Exponential backoff with a little jitter, so many lost engines do not all retry in the same instant. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt++;
    return Math.round(Math.min(this.maxMs, base * (0.9 + Math.random() * 0.2)));
  }

  reset(): void {
    this.attempt = 0;
  }
}
