/**
 * A listener's limits, defaulted and converted to the units node:http takes, once at load.
 * Defaults follow Envoy where it has one (60 KiB of headers, 1 MiB buffered per stream).
 */
import type { ListenerConfig } from '../config/types.js';
import { durationMs } from '../config/duration.js';

export interface ResolvedLimits {
  maxHeaderSize: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Keep-alive idle time (node's keepAliveTimeout). */
  idleTimeoutMs: number;
  /** 0 = unlimited. */
  maxConnections: number;
  bufferLimitBytes: number;
  drainTimeoutMs: number;
  /** How often node checks the header and request timeouts of open connections. */
  checkIntervalMs: number;
}

export function resolveLimits(l: ListenerConfig): ResolvedLimits {
  const c = l.limits ?? {};
  const requestTimeoutMs = durationMs(c.request_timeout, 300_000);
  let headersTimeoutMs = durationMs(c.headers_timeout, 10_000);
  // node:http refuses headersTimeout above a non-zero requestTimeout.
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) headersTimeoutMs = requestTimeoutMs;
  // Node checks these timeouts on an interval (30 s by default, which would let a 10 s header
  // timeout run to 40 s); check often enough to honour the shorter one within a quarter of it.
  const shortest = Math.min(headersTimeoutMs || Infinity, requestTimeoutMs || Infinity);
  const checkIntervalMs = Number.isFinite(shortest) ? Math.min(5000, Math.max(100, Math.floor(shortest / 4))) : 30_000;
  return {
    maxHeaderSize: Math.round((c.max_request_headers_kb ?? 60) * 1024),
    headersTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs: durationMs(c.idle_timeout, 60_000),
    maxConnections: c.max_connections ?? 0,
    bufferLimitBytes: c.per_connection_buffer_limit_bytes ?? 1024 * 1024,
    drainTimeoutMs: durationMs(l.drain_timeout, 15_000),
    checkIntervalMs,
  };
}
