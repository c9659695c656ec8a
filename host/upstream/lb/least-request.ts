/**
 * least_request: power of two random choices. Two distinct endpoints are drawn at random and
 * the one with the lower load wins, load being activeRequests / weight as in Envoy (compared by
 * cross-multiplying, so no division and no allocation). With two endpoints the idle one always
 * wins; with many, the choice stays O(1) and avoids the herding of a global minimum.
 */
import type { Endpoint } from '../contract.js';
import type { LoadBalancer, LbSettings } from './load-balancer.js';
import { EMPTY_BALANCER } from './load-balancer.js';

class PowerOfTwoChoices implements LoadBalancer {
  private readonly eps: readonly Endpoint[];
  private readonly random: () => number;

  constructor(endpoints: readonly Endpoint[], random: () => number) {
    this.eps = endpoints;
    this.random = random;
  }

  pick(_hash: number | undefined, exclude: Endpoint | undefined): Endpoint | null {
    const eps = this.eps;
    const n = eps.length;
    if (n === 1) return eps[0]!;
    // Two distinct indices: the second is drawn from the n-1 others.
    const i = Math.min(Math.floor(this.random() * n), n - 1);
    let j = Math.min(Math.floor(this.random() * (n - 1)), n - 2);
    if (j >= i) j++;
    const a = eps[i]!;
    const b = eps[j]!;
    // Distinct candidates: at most one of them is the endpoint a retry must avoid.
    if (a === exclude) return b;
    if (b === exclude) return a;
    // a.active / a.weight <= b.active / b.weight, without dividing.
    return a.activeRequests * b.weight <= b.activeRequests * a.weight ? a : b;
  }
}

/** Factory for lb_policy least_request. */
export function createLeastRequest(endpoints: readonly Endpoint[], settings: LbSettings): LoadBalancer {
  return endpoints.length === 0 ? EMPTY_BALANCER : new PowerOfTwoChoices(endpoints, settings.random);
}
