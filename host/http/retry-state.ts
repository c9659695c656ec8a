/**
 * Retry decisions for one request under a route's RetryPolicy (Envoy semantics):
 * - `5xx`: any 5xx response, a connect failure, a reset, or a per-try timeout;
 * - `gateway-error`: 502 / 503 / 504 responses, connect failures, resets, per-try timeouts;
 * - `connect-failure`, `reset`: just those;
 * - `retriable-4xx`: 409.
 * Back-off is exponential with full jitter: a uniform pick in [0, (2^n - 1) × base], capped at
 * max_interval. The whole-route timeout bounds everything, back-off included.
 */
import type { RetryPolicy } from '../router/contract.js';
import type { TryOutcome } from './upstream-failure.js';

/** Whether `status` from an upstream asks for another try under `p`. */
export function retriableStatus(p: RetryPolicy, status: number): boolean {
  if (status >= 500) {
    if (p.retryOn5xx) return true;
    if (p.retryOnGatewayError && (status === 502 || status === 503 || status === 504)) return true;
    return false;
  }
  return status === 409 && p.retryOnRetriable4xx;
}

/** Whether a failed try (no response) asks for another try under `p`. */
export function retriableFailure(p: RetryPolicy, outcome: TryOutcome | 'per_try_timeout'): boolean {
  if (p.retryOn5xx || p.retryOnGatewayError) return true;
  if (outcome === 'connect_failure') return p.retryOnConnectFailure;
  if (outcome === 'reset') return p.retryOnReset;
  return false;
}

/** Delay before retry number `n` (1 for the first retry), in ms. `random` is uniform in [0, 1). */
export function backoffMs(p: RetryPolicy, n: number, random: () => number): number {
  const base = p.baseIntervalMs > 0 ? p.baseIntervalMs : 25;
  const max = p.maxIntervalMs > 0 ? p.maxIntervalMs : base * 10;
  const ceiling = Math.min(max, (2 ** Math.min(n, 30) - 1) * base);
  return Math.floor(random() * ceiling);
}
