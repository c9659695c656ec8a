/**
 * One upstream endpoint: a resolved ip:port, its undici keep-alive pool, and the counters the
 * load balancers, passive health checking and the admin page read.
 */
import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'undici';
import type { Endpoint, EndpointHealth } from './contract.js';
import { originFor, parseAddress } from './address.js';
import { tlsConnectOptions, type UpstreamTls } from './upstream-tls.js';
import { H2Dispatcher } from './h2-dispatcher.js';

/** Pool settings shared by every endpoint of a cluster (already defaulted). */
export interface PoolSettings {
  connections: number;
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
  allowH2: boolean;
  /** TLS to the endpoints (https origin), or undefined for cleartext. */
  tls?: UpstreamTls | undefined;
  /** The cluster says protocol: http2 (not just an ALPN offer): multiplex streams per connection. */
  h2Only?: boolean;
}

/** Streams one HTTP/2 upstream connection carries at once (undici's h2c default too). */
const H2_STREAMS_PER_CONNECTION = 100;

/**
 * Builds the undici pool for one origin. Per-request timeouts are set by the proxy, so the
 * pool-level headers/body timeouts are disabled (0) to not race them.
 *
 * HTTP/2: over TLS undici offers h2 in ALPN (allowH2); over cleartext it speaks h2c with prior
 * knowledge (useH2c). An h2 connection multiplexes: `pipelining` is undici's cap on concurrent
 * requests per connection, so it is raised to the stream limit only when the cluster says
 * `protocol: http2` (an ALPN offer alone may end on HTTP/1.1, where it would mean pipelining).
 */
export function createEndpointPool(origin: string, s: PoolSettings, tls?: ConnectionOptions): Pool {
  const cleartextH2 = s.allowH2 && s.tls === undefined;
  return new Pool(origin, {
    connections: s.connections,
    pipelining: s.h2Only === true ? H2_STREAMS_PER_CONNECTION : 1,
    connect: { timeout: s.connectTimeoutMs, ...(tls ?? {}), ...(cleartextH2 ? { useH2c: true } : {}) },
    keepAliveTimeout: s.keepAliveTimeoutMs,
    headersTimeout: 0,
    bodyTimeout: 0,
    allowH2: s.allowH2,
    ...(s.allowH2 ? { maxConcurrentStreams: H2_STREAMS_PER_CONNECTION } : {}),
  });
}

/** Endpoint with the bookkeeping the cluster keeps beside the contract fields. */
export class UpstreamEndpoint implements Endpoint {
  readonly address: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly origin: string;
  /** undici Pool (HTTP/1.1, or h2 offered by ALPN), or node:http2 for protocol: http2 (see h2-dispatcher.ts). */
  readonly dispatcher: Pool | H2Dispatcher;
  readonly tlsOptions: ConnectionOptions | undefined;
  /** Identity across DNS refreshes: same config entry and same resolved ip:port. */
  readonly key: string;
  activeRequests = 0;
  health: EndpointHealth = 'healthy';
  /** Requests started through onRequestStart since the endpoint was created. */
  totalRequests = 0;
  /** Connect failures reported through onRequestEnd, all time. */
  connectFailures = 0;
  /** Connect failures since the last successful request (passive health). */
  consecutiveConnectFailures = 0;
  /** Times ejected; the ejection time doubles with each. */
  ejections = 0;
  /** Clock time the current ejection ends (0 when not ejected). */
  ejectedUntil = 0;
  /** Clock time of the last return from ejection (0 if never ejected). */
  returnedAt = 0;
  /** Duration of the last ejection, ms. */
  lastEjectionMs = 0;

  constructor(address: string, ip: string, port: number, weight: number, pool: PoolSettings) {
    this.address = address;
    this.ip = ip;
    this.port = port;
    this.weight = weight;
    this.origin = originFor(ip, port, pool.tls !== undefined);
    this.key = `${address}|${ip}|${port}`;
    if (pool.tls !== undefined) {
      const parsed = parseAddress(address);
      const host = typeof parsed === 'string' ? ip : parsed.host;
      this.tlsOptions = tlsConnectOptions(pool.tls, host, typeof parsed === 'string' || parsed.isIp) as ConnectionOptions;
    } else {
      this.tlsOptions = undefined;
    }
    this.dispatcher = pool.h2Only === true
      ? new H2Dispatcher(this.origin, { connectTimeoutMs: pool.connectTimeoutMs, idleTimeoutMs: pool.keepAliveTimeoutMs, tls: this.tlsOptions })
      : createEndpointPool(this.origin, pool, this.tlsOptions);
  }

  /** Admin view of this endpoint. */
  describe(): Record<string, unknown> {
    const s = this.dispatcher.stats;
    return {
      address: this.address,
      ip: this.ip,
      port: this.port,
      weight: this.weight,
      health: this.health,
      active_requests: this.activeRequests,
      total_requests: this.totalRequests,
      connect_failures: this.connectFailures,
      ejections: this.ejections,
      pool: { connected: s.connected, free: s.free, pending: s.pending, running: s.running },
    };
  }
}

/**
 * Closes a pool gracefully: undici lets queued and in-flight requests finish first. Past
 * `timeoutMs` the pool is destroyed so shutdown and DNS churn never hang on a stuck upstream.
 */
export async function closePool(pool: Pool | H2Dispatcher, timeoutMs: number): Promise<void> {
  if (pool.closed || pool.destroyed) return;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), timeoutMs);
    timer.unref();
  });
  try {
    const r = await Promise.race([pool.close().then(() => 'closed' as const), expired]);
    if (r === 'expired') await pool.destroy();
  } catch {
    // Already closing or destroyed elsewhere: nothing left to release.
  } finally {
    clearTimeout(timer);
  }
}
