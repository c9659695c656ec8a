/**
 * Observability contract: a logger, per-request access log and the gateway's metrics, passed
 * to each layer at construction (never imported as singletons).
 */
import type { StreamInfo } from '../http/stream-info.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical';

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Whether `level` would be written; lets callers skip building messages. */
  enabled(level: LogLevel): boolean;
  /** A logger that adds `fields` to every line (e.g. { filter: "auth" }). */
  child(fields: Record<string, unknown>): Logger;
}

/** Writes one JSON line per finished request. */
export interface AccessLog {
  write(info: StreamInfo): void;
  close(): Promise<void>;
}

/**
 * The gateway's own metrics, recorded by the connection manager and the proxy.
 * Implementations pre-resolve label children so a call costs a few property reads.
 */
export interface GatewayMetrics {
  /** A downstream request finished with `status` after `durationMs`. */
  downstreamRequest(listener: string, status: number, durationMs: number): void;
  /** An upstream try finished; `status` 0 when no response (connect failure, reset, timeout). */
  upstreamRequest(cluster: string, status: number, durationMs: number): void;
  downstreamConnectionOpened(listener: string): void;
  downstreamConnectionClosed(listener: string): void;
  /** A retry was attempted for `cluster`. */
  upstreamRetry(cluster: string): void;
}
