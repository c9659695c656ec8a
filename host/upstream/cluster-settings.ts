/**
 * Turns a ClusterConfig into defaulted, validated settings once at load. Anything invalid is a
 * load-time error naming its config path (never a silent fallback).
 */
import type { ClusterConfig, LbPolicy } from '../config/types.js';
import { parseDuration } from '../config/duration.js';
import { parseAddress, type ParsedAddress } from './address.js';
import type { PoolSettings } from './endpoint.js';
import { resolveUpstreamTls } from './upstream-tls.js';

/** Every lb_policy Sluice implements. */
export const LB_POLICIES: readonly LbPolicy[] = ['round_robin', 'least_request', 'random', 'ring_hash', 'maglev'];

/** One configured endpoint entry, parsed. */
export interface EndpointEntry extends ParsedAddress {
  /** As configured, "host:port". */
  address: string;
  weight: number;
}

/** A cluster's config after validation, with every default filled in. */
export interface ClusterSettings {
  name: string;
  lbPolicy: LbPolicy;
  entries: EndpointEntry[];
  pool: PoolSettings;
  dnsRefreshMs: number;
  ringMinSize: number;
  ringMaxSize: number;
  maglevTableSize: number;
  /** Idle time of a WebSocket tunnel through this cluster, ms. */
  websocketIdleMs: number;
}

/** Envoy's defaults. */
const DEFAULT_RING_MIN = 1024;
const DEFAULT_RING_MAX = 8 * 1024 * 1024;
const DEFAULT_MAGLEV_TABLE = 65537;

/** Raised for an invalid cluster config; message is "path: problem". */
export class ClusterConfigError extends Error {
  override readonly name = 'ClusterConfigError';
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

function duration(path: string, v: string | undefined, fallback: number, allowZero: boolean): number {
  if (v === undefined) return fallback;
  const ms = parseDuration(v);
  if (ms === undefined) throw new ClusterConfigError(`${path}: "${v}" is not a duration (e.g. 250ms, 5s)`);
  if (!allowZero && ms <= 0) throw new ClusterConfigError(`${path}: must be greater than 0`);
  return ms;
}

function positiveInt(path: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1) throw new ClusterConfigError(`${path}: must be an integer ≥ 1`);
  return v;
}

/**
 * Validates and defaults one cluster; `path` is its config path, e.g. "clusters[2]". `baseDir`
 * resolves relative TLS file paths (the config file's folder).
 */
export function clusterSettings(c: ClusterConfig, path: string, baseDir: string = process.cwd()): ClusterSettings {
  const lbPolicy = c.lb_policy ?? 'round_robin';
  if (!LB_POLICIES.includes(lbPolicy)) {
    throw new ClusterConfigError(`${path}.lb_policy: unknown policy "${String(lbPolicy)}" (one of ${LB_POLICIES.join(', ')})`);
  }
  if (!Array.isArray(c.endpoints)) throw new ClusterConfigError(`${path}.endpoints: must be a list`);
  const entries = c.endpoints.map((e, i): EndpointEntry => {
    const p = parseAddress(String(e.address));
    if (typeof p === 'string') throw new ClusterConfigError(`${path}.endpoints[${i}].address: ${p}`);
    return { ...p, address: e.address, weight: positiveInt(`${path}.endpoints[${i}].weight`, e.weight, 1) };
  });
  const ringMinSize = positiveInt(`${path}.ring_hash.minimum_ring_size`, c.ring_hash?.minimum_ring_size, DEFAULT_RING_MIN);
  const ringMaxSize = positiveInt(`${path}.ring_hash.maximum_ring_size`, c.ring_hash?.maximum_ring_size, DEFAULT_RING_MAX);
  if (ringMinSize > ringMaxSize) {
    throw new ClusterConfigError(`${path}.ring_hash: minimum_ring_size (${ringMinSize}) exceeds maximum_ring_size (${ringMaxSize})`);
  }
  if (ringMaxSize > DEFAULT_RING_MAX) throw new ClusterConfigError(`${path}.ring_hash.maximum_ring_size: at most ${DEFAULT_RING_MAX}`);
  const maglevTableSize = positiveInt(`${path}.maglev.table_size`, c.maglev?.table_size, DEFAULT_MAGLEV_TABLE);
  if (!isPrime(maglevTableSize)) throw new ClusterConfigError(`${path}.maglev.table_size: ${maglevTableSize} is not prime`);
  if (maglevTableSize > 5_000_011) throw new ClusterConfigError(`${path}.maglev.table_size: at most 5000011`);
  const protocol = c.protocol ?? 'http1';
  if (protocol !== 'http1' && protocol !== 'http2') {
    throw new ClusterConfigError(`${path}.protocol: must be http1 or http2`);
  }
  const tls = c.tls === undefined ? undefined : resolveUpstreamTls(c.tls, protocol === 'http2', baseDir);
  if (typeof tls === 'string') throw new ClusterConfigError(`${path}.tls.${tls}`);
  return {
    name: c.name,
    lbPolicy,
    entries,
    pool: {
      connections: positiveInt(`${path}.max_connections_per_endpoint`, c.max_connections_per_endpoint, 128),
      connectTimeoutMs: duration(`${path}.connect_timeout`, c.connect_timeout, 5000, false),
      keepAliveTimeoutMs: duration(`${path}.keep_alive_timeout`, c.keep_alive_timeout, 4000, false),
      allowH2: protocol === 'http2' || (tls?.offerH2 ?? false),
      tls,
      h2Only: protocol === 'http2',
    },
    websocketIdleMs: duration(`${path}.websocket_idle_timeout`, c.websocket_idle_timeout, 3_600_000, false),
    dnsRefreshMs: duration(`${path}.dns_refresh_rate`, c.dns_refresh_rate, 5000, false),
    ringMinSize,
    ringMaxSize,
    maglevTableSize,
  };
}
