/**
 * A generation: the resources one config version's snapshots share (cluster manager, access
 * logs), and how many requests that started on those snapshots are still in flight. After a
 * reload the old generation retires: its resources are released once its last request ended
 * (bounded by a timeout), so a request always finishes on the config it started with.
 *
 * Counting without a hook in host/http: a request reads `listener.snapshot` and calls
 * `listener.streamStarted()` in the same synchronous step, so the start is attributed to the
 * generation of the listener's snapshot at that moment (RunningListener.trackStreams); it ends
 * with `snapshot.accessLog.write`, which the generation wraps.
 */
import type { ListenerSnapshot } from '../http/context.js';
import type { AccessLog } from '../observability/contract.js';
import type { ClusterManager } from '../upstream/contract.js';

/** Resources of one config version and its in-flight request count. */
export class Generation {
  started = 0;
  ended = 0;
  /** Inner (unwrapped) access logs by canonical config, shared with the next generation when equal. */
  readonly accessLogs = new Map<string, AccessLog>();
  private idle: (() => void) | undefined;

  constructor(readonly clusters: ClusterManager) {}

  /** The access log a snapshot of this generation writes to: counts request ends. */
  wrap(inner: AccessLog): AccessLog {
    return {
      write: (info) => {
        inner.write(info);
        this.ended++;
        if (this.idle !== undefined && this.ended === this.started) this.idle();
      },
      close: () => inner.close(),
    };
  }

  /**
   * Resolves when every request that started on this generation has ended, or after
   * `timeoutMs` (a request that never ends, or counts that cannot be trusted, must not keep
   * old pools open forever).
   */
  drained(timeoutMs: number): Promise<void> {
    if (this.ended === this.started) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.idle = undefined;
        resolve();
      }
      this.idle = done;
    });
  }
}

/** Which generation each live snapshot belongs to, and the stream-start hook on listeners. */
export class GenerationIndex {
  private readonly bySnapshot = new WeakMap<ListenerSnapshot, Generation>();

  register(snapshot: ListenerSnapshot, gen: Generation): void {
    this.bySnapshot.set(snapshot, gen);
  }

  /** Counts stream starts of `listener` against the generation of the snapshot each one read. */
  track(listener: { trackStreams(onStart: (snapshot: ListenerSnapshot) => void): void }): void {
    listener.trackStreams((snapshot) => {
      const gen = this.bySnapshot.get(snapshot);
      if (gen !== undefined) gen.started++;
    });
  }
}
