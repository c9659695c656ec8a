/**
 * retry_policy and timeout of a route action, compiled to milliseconds and flags once.
 */
import type { Duration, RetryPolicyConfig } from '../config/types.js';
import { parseDuration } from '../config/duration.js';
import type { RetryPolicy } from './contract.js';

/** Envoy's default whole-request timeout. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;
/** Envoy's default retry back-off base interval. */
export const DEFAULT_BASE_INTERVAL_MS = 25;

const CONDITIONS = ['5xx', 'gateway-error', 'connect-failure', 'reset', 'retriable-4xx'] as const;

function durationOrThrow(d: Duration | undefined, fallback: number, where: string): number {
  if (d === undefined) return fallback;
  const ms = parseDuration(d);
  if (ms === undefined) throw new Error(`${where}: not a duration: "${d}" (use e.g. "250ms", "5s")`);
  return ms;
}

/** The route timeout in ms: default 15 s, "0s" = none (0). */
export function compileTimeout(d: Duration | undefined, where: string): number {
  return durationOrThrow(d, DEFAULT_ROUTE_TIMEOUT_MS, where);
}

/** Compiles retry_policy; undefined when the route has none (no retries). */
export function compileRetryPolicy(cfg: RetryPolicyConfig | undefined, where: string): RetryPolicy | undefined {
  if (cfg === undefined) return undefined;
  const list = typeof cfg.retry_on === 'string' ? cfg.retry_on.split(',') : cfg.retry_on;
  const on = new Set<string>();
  for (const raw of list) {
    const c = raw.trim();
    if (c === '') continue;
    if (!(CONDITIONS as readonly string[]).includes(c)) {
      throw new Error(`${where}.retry_on: unknown condition "${c}" (known: ${CONDITIONS.join(', ')})`);
    }
    on.add(c);
  }
  const numRetries = cfg.num_retries ?? 1;
  if (!Number.isInteger(numRetries) || numRetries < 0) throw new Error(`${where}.num_retries: must be an integer ≥ 0`);
  const base = durationOrThrow(cfg.retry_back_off?.base_interval, DEFAULT_BASE_INTERVAL_MS, `${where}.retry_back_off.base_interval`);
  if (base <= 0) throw new Error(`${where}.retry_back_off.base_interval: must be greater than 0`);
  const max = durationOrThrow(cfg.retry_back_off?.max_interval, base * 10, `${where}.retry_back_off.max_interval`);
  if (max < base) throw new Error(`${where}.retry_back_off.max_interval: must not be less than base_interval`);
  return {
    retryOn5xx: on.has('5xx'),
    retryOnGatewayError: on.has('gateway-error'),
    retryOnConnectFailure: on.has('connect-failure'),
    retryOnReset: on.has('reset'),
    retryOnRetriable4xx: on.has('retriable-4xx'),
    numRetries,
    perTryTimeoutMs: durationOrThrow(cfg.per_try_timeout, 0, `${where}.per_try_timeout`),
    baseIntervalMs: base,
    maxIntervalMs: max,
  };
}
