/**
 * What the HTTP connection manager needs from the listener it serves: the listener's current
 * snapshot (read once at the start of each request, so a later swap is atomic per request),
 * its drain state, and a callback when a stream ends.
 */
import type { AccessLog, GatewayMetrics, Logger } from '../observability/contract.js';
import type { Router } from '../router/contract.js';
import type { ClusterManager } from '../upstream/contract.js';
import type { HttpFilterChain } from '../filter/contract.js';

/**
 * Everything config-derived that one request uses. Immutable: hot reload builds a new snapshot
 * and swaps the listener's reference; in-flight requests keep the one they started with.
 */
export interface ListenerSnapshot {
  readonly router: Router;
  readonly clusters: ClusterManager;
  /** Present only when the listener has http_filters; undefined keeps the no-filter path lean. */
  readonly filterChain: HttpFilterChain | undefined;
  readonly accessLog: AccessLog;
  readonly metrics: GatewayMetrics;
  /** Bytes a filter may buffer per stream (per_connection_buffer_limit_bytes). */
  readonly bufferLimitBytes: number;
  /** Uniform in [0, 1): retry jitter. Injected so tests can pin it. */
  readonly random: () => number;
  readonly log: Logger;
}

export interface HttpListenerContext {
  readonly name: string;
  readonly scheme: 'http' | 'https';
  readonly snapshot: ListenerSnapshot;
  /** Shutting down: every response from now on carries `Connection: close`. */
  readonly draining: boolean;
  readonly log: Logger;
  /** Normalize request paths before routing (listener `normalize_path`; absent means on). */
  readonly normalizePath?: boolean;
  /** A stream began (request accepted) / ended (response over or aborted). Drain bookkeeping. */
  streamStarted(): void;
  streamEnded(): void;
}
