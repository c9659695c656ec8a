/**
 * lb_policy name → balancer factory. The policy list is closed: cluster settings reject an
 * unknown name at load, so there is no fallback here.
 */
import type { LbPolicy } from '../../config/types.js';
import type { LoadBalancerFactory } from './load-balancer.js';
import { createRoundRobin } from './round-robin.js';
import { createLeastRequest } from './least-request.js';
import { createWeightedRandom } from './weighted-random.js';
import { createRingHash } from './ring-hash.js';
import { createMaglev } from './maglev.js';

const FACTORIES: Readonly<Record<LbPolicy, LoadBalancerFactory>> = {
  round_robin: createRoundRobin,
  least_request: createLeastRequest,
  random: createWeightedRandom,
  ring_hash: createRingHash,
  maglev: createMaglev,
};

/** The factory for a validated policy name. */
export function balancerFactory(policy: LbPolicy): LoadBalancerFactory {
  return FACTORIES[policy];
}
