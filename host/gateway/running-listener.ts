/**
 * What the gateway and hot reload need of a running listener, whatever it serves (HTTP, TLS,
 * tcp_proxy): host/listener/listener.ts implements it.
 */
import type { ListenerSnapshot } from '../http/context.js';
import type { BoundAddress } from '../listener/listener.js';
import type { ResolvedLimits } from '../listener/limits.js';
import type { Logger } from '../observability/contract.js';

export type { BoundAddress };

/** What hot reload needs of a running listener. */
export interface RunningListener {
  readonly name: string;
  readonly limits: ResolvedLimits;
  readonly log: Logger;
  readonly draining: boolean;
  /** Connections closed at accept because max_connections was reached. */
  readonly droppedConnections: number;
  /** The snapshot requests read at their start; assigning it is the atomic swap. */
  snapshot: ListenerSnapshot;
  /**
   * `onStart` runs each time a request starts, with the snapshot it read (a request reads the
   * snapshot and reports its start in one synchronous step).
   */
  trackStreams(onStart: (snapshot: ListenerSnapshot) => void): void;
  /** Binds; rejects with node's error (EADDRINUSE, …) and leaves nothing listening. */
  listen(host: string, port: number): Promise<BoundAddress>;
  address(): BoundAddress | undefined;
  /** Stops accepting at once; in-flight requests finish (at most `drainTimeoutMs`). Idempotent. */
  stop(drainTimeoutMs?: number): Promise<void>;
}
