/**
 * One upstream endpoint: a resolved ip:port, its undici keep-alive pool, and the counters the
 * load balancers, passive health checking and the admin page read.
 */
import { Pool } from 'undici';
import type { Endpoint, EndpointHealth } from './contract.js';
import { originFor } from './address.js';

/** Pool settings shared by every endpoint of a cluster (already defaulted). */
export interface PoolSettings {
  connections: number;
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
  allowH2: boolean;
}

/** Builds the undici pool for one origin. Per-request timeouts are set by the proxy, so the
 *  pool-level headers/body timeouts are disabled (0) to not race them. */
export function createEndpointPool(origin: string, s: PoolSettings): Pool {
  return new Pool(origin, {
    connections: s.connections,
    pipelining: 1,
    connect: { timeout: s.connectTimeoutMs },
    keepAliveTimeout: s.keepAliveTimeoutMs,
    headersTimeout: 0,
    bodyTimeout: 0,
    allowH2: s.allowH2,
  });
}

/** Endpoint with the bookkeeping the cluster keeps beside the contract fields. */
export class UpstreamEndpoint implements Endpoint {
  readonly address: string;
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly origin: string;
  readonly dispatcher: Pool;
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
    this.origin = originFor(ip, port);
    this.key = `${address}|${ip}|${port}`;
    this.dispatcher = createEndpointPool(this.origin, pool);
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
export async function closePool(pool: Pool, timeoutMs: number): Promise<void> {
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
