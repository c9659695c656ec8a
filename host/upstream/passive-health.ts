/**
 * Passive health checking (Envoy's outlier detection, consecutive connect failures only):
 * an endpoint that fails to connect several times in a row is ejected for a while, and each
 * repeat ejection lasts twice as long, up to a cap. State lives on the endpoint; the cluster
 * rebuilds its balancer when this module reports a change.
 */
import type { UpstreamEndpoint } from './endpoint.js';

/** When endpoints are ejected and for how long. */
export interface EjectionPolicy {
  /** Consecutive connect failures that eject an endpoint. */
  consecutiveConnectFailures: number;
  /** First ejection time; doubled per repeat ejection. */
  baseEjectionMs: number;
  maxEjectionMs: number;
}

/** 3 consecutive connect failures; 10s, doubling per repeat, at most 5 minutes. */
export const DEFAULT_EJECTION_POLICY: EjectionPolicy = {
  consecutiveConnectFailures: 3,
  baseEjectionMs: 10_000,
  maxEjectionMs: 300_000,
};

/** Counts a connect failure; ejects and returns true when the endpoint crossed the threshold. */
export function recordConnectFailure(ep: UpstreamEndpoint, now: () => number, p: EjectionPolicy): boolean {
  ep.connectFailures++;
  ep.consecutiveConnectFailures++;
  // Already ejected (traffic reaches it only in panic mode): do not extend the ejection.
  if (ep.health !== 'healthy' || ep.consecutiveConnectFailures < p.consecutiveConnectFailures) return false;
  ep.ejections++;
  const ms = Math.min(p.baseEjectionMs * 2 ** Math.min(ep.ejections - 1, 30), p.maxEjectionMs);
  ep.lastEjectionMs = ms;
  ep.ejectedUntil = now() + ms;
  ep.health = 'unhealthy';
  ep.consecutiveConnectFailures = 0;
  return true;
}

/**
 * Counts a request that connected. After an endpoint has stayed back for as long as its last
 * ejection lasted, its ejection history is forgiven so the next ejection starts short again.
 */
export function recordConnected(ep: UpstreamEndpoint, now: () => number): void {
  ep.consecutiveConnectFailures = 0;
  if (ep.ejections > 0 && ep.health === 'healthy' && now() - ep.returnedAt >= ep.lastEjectionMs) ep.ejections = 0;
}

/**
 * Returns endpoints whose ejection ended by `nowMs` to service. Gives the earliest end of the
 * ejections still running (Infinity when none) and whether anything changed.
 */
export function returnExpired(eps: readonly UpstreamEndpoint[], nowMs: number): { changed: boolean; next: number } {
  let changed = false;
  let next = Infinity;
  for (const ep of eps) {
    if (ep.health !== 'unhealthy') continue;
    if (ep.ejectedUntil <= nowMs) {
      ep.health = 'healthy';
      ep.ejectedUntil = 0;
      ep.returnedAt = nowMs;
      ep.consecutiveConnectFailures = 0;
      changed = true;
    } else if (ep.ejectedUntil < next) {
      next = ep.ejectedUntil;
    }
  }
  return { changed, next };
}
