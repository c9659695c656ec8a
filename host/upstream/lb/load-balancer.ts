/**
 * What every load-balancing policy implements. A balancer is built once per endpoint set (and
 * rebuilt when DNS or health changes that set); picking must not allocate.
 */
import type { Endpoint } from '../contract.js';

export interface LoadBalancer {
  /**
   * Picks one of the endpoints it was built with, or null when it has none.
   * `hash`: request hash for ring_hash / maglev (others ignore it; undefined → random pick).
   * `exclude`: avoid this endpoint when another one exists (retries).
   */
  pick(hash: number | undefined, exclude: Endpoint | undefined): Endpoint | null;
}

/** Settings a policy may read; already defaulted and validated. */
export interface LbSettings {
  /** Uniform random in [0, 1); injected so tests are deterministic. */
  random: () => number;
  ringMinSize: number;
  ringMaxSize: number;
  maglevTableSize: number;
}

/** Builds a balancer over `endpoints` (every weight ≥ 1). */
export type LoadBalancerFactory = (endpoints: readonly Endpoint[], settings: LbSettings) => LoadBalancer;

/** The balancer for an empty endpoint set. */
export const EMPTY_BALANCER: LoadBalancer = { pick: () => null };
