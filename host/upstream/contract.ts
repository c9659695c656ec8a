/**
 * Upstream contract: clusters of endpoints, a load balancer per cluster, and one undici
 * keep-alive pool per endpoint. Built once per config; kept across reloads when unchanged.
 */
import type { Dispatcher } from 'undici';

export type EndpointHealth = 'healthy' | 'unhealthy';

export interface Endpoint {
  /** As configured: "host:port". */
  readonly address: string;
  /** Resolved IP (equal to the configured host for IP endpoints). */
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  /** "http://ip:port", the origin passed to undici. */
  readonly origin: string;
  /** The keep-alive pool for this endpoint. */
  readonly dispatcher: Dispatcher;
  /** Requests in flight (maintained by the proxy through onRequestStart/onRequestEnd). */
  activeRequests: number;
  health: EndpointHealth;
  /** TLS connect options when the cluster has `tls` (raw tunnels such as WebSocket use them). */
  readonly tlsOptions?: import('node:tls').ConnectionOptions | undefined;
}

export interface Cluster {
  readonly name: string;
  readonly connectTimeoutMs: number;
  /** Idle time of a WebSocket tunnel to this cluster, ms (websocket_idle_timeout, default 1h). */
  readonly websocketIdleMs?: number;
  /**
   * Picks an endpoint. `hash` comes from the route's hash_policy (ring_hash / maglev); other
   * policies ignore it. `exclude` lets a retry avoid the endpoint that just failed when another
   * exists. Null when the cluster has no endpoint (→ 503 UH).
   */
  chooseEndpoint(hash: number | undefined, exclude?: Endpoint): Endpoint | null;
  /** Call around each upstream request: keeps least_request and admin counters right. */
  onRequestStart(ep: Endpoint): void;
  onRequestEnd(ep: Endpoint, outcome: 'ok' | 'connect_failure' | 'timeout' | 'reset'): void;
  endpoints(): readonly Endpoint[];
  /** Admin view: endpoints, their state and counters. */
  describe(): unknown;
  close(): Promise<void>;
}

export interface ClusterManager {
  get(name: string): Cluster | undefined;
  all(): readonly Cluster[];
  /** Stops DNS refresh timers and closes every pool. */
  close(): Promise<void>;
}
