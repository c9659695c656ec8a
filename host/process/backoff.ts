/**
 * Restart backoff for one worker slot: a worker that keeps dying is restarted ever more slowly
 * (so a crash loop does not eat the CPU its siblings need), and one that has run long enough is
 * forgiven. Pure: the caller says how long the worker was up; no clock inside.
 */

export interface BackoffOptions {
  /** Delay before the first restart after a healthy run. Default 100 ms. */
  initialMs?: number;
  /** Upper bound of the delay. Default 30 s. */
  maxMs?: number;
  /** A worker that stayed up at least this long resets the delay to initialMs. Default 60 s. */
  resetAfterMs?: number;
}

/** Exponential restart delay: initialMs, ×2 per consecutive early death, capped at maxMs. */
export class RestartBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly resetAfterMs: number;
  private nextMs: number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 100;
    this.maxMs = opts.maxMs ?? 30_000;
    this.resetAfterMs = opts.resetAfterMs ?? 60_000;
    this.nextMs = this.initialMs;
  }

  /**
   * The delay before restarting a worker that died after running `upMs`, and advances the
   * sequence. A run of at least resetAfterMs counts as healthy: the delay starts over.
   */
  delayAfter(upMs: number): number {
    if (upMs >= this.resetAfterMs) this.nextMs = this.initialMs;
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.maxMs);
    return delay;
  }
}
