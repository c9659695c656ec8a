/**
 * Heartbeat bookkeeping for one worker: the supervisor sends a ping every interval and the
 * worker's event loop answers it. A worker whose loop is blocked (a runaway loop, a sync call
 * that never returns) cannot answer, although its process is alive and its sockets still accept:
 * only this catches it. Pure: the caller drives ticks and feeds pongs.
 */

export interface HeartbeatOptions {
  /** Consecutive unanswered pings after which the worker is declared stuck. Default 5. */
  maxMissed?: number;
}

/** What the caller should do on a tick. */
export type HeartbeatVerdict = { kind: 'ping'; seq: number } | { kind: 'stuck'; missed: number };

/** Counts pings that went unanswered until the next one was due. */
export class HeartbeatMonitor {
  private readonly maxMissed: number;
  private seq = 0;
  /** Sequence number of the newest ping answered. */
  private answered = 0;
  private missed = 0;

  constructor(opts: HeartbeatOptions = {}) {
    this.maxMissed = opts.maxMissed ?? 5;
  }

  /**
   * Called once per interval. If the previous ping is still unanswered it counts as missed;
   * after maxMissed in a row (or `limit`, when given) the verdict is `stuck` (no further ping),
   * else send `seq`.
   */
  tick(limit = this.maxMissed): HeartbeatVerdict {
    if (this.seq > 0 && this.answered < this.seq) this.missed++;
    if (this.missed >= limit) return { kind: 'stuck', missed: this.missed };
    this.seq++;
    return { kind: 'ping', seq: this.seq };
  }

  /** A pong for `seq` arrived. A late pong for an older ping still proves the loop is alive. */
  pong(seq: number): void {
    if (seq > this.answered) this.answered = seq;
    this.missed = 0;
  }

  /** Consecutive misses so far (for logs and GET /workers). */
  get missedCount(): number {
    return this.missed;
  }
}
