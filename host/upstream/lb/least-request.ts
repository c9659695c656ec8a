/**
 * least_request: power of two random choices. Two distinct endpoints are drawn at random and
 * the one with the lower load wins, load being activeRequests / weight as in Envoy (compared by
 * cross-multiplying, so no division and no allocation). With two endpoints the idle one always
 * wins; with many, the choice stays O(1) and avoids the herding of a global minimum.
 *
 * When weights differ, the first candidate is drawn with probability weight / total and wins
 * ties, so an idle (or evenly loaded) cluster gets traffic in proportion to weight rather than
 * uniformly; the second is drawn the same way from the others.
 */
import type { Endpoint } from '../contract.js';
import type { LoadBalancer, LbSettings } from './load-balancer.js';
import { EMPTY_BALANCER } from './load-balancer.js';
import { searchCumulative } from './weighted-random.js';

class PowerOfTwoChoices implements LoadBalancer {
  private readonly eps: readonly Endpoint[];
  private readonly random: () => number;
  /** Cumulative weights; undefined when all weights are equal (uniform draws suffice). */
  private readonly cumulative: Float64Array | undefined;
  private readonly total: number;

  constructor(endpoints: readonly Endpoint[], random: () => number) {
    this.eps = endpoints;
    this.random = random;
    const w0 = endpoints[0]!.weight;
    let sum = 0;
    let equal = true;
    const cumulative = new Float64Array(endpoints.length);
    for (let i = 0; i < endpoints.length; i++) {
      const w = endpoints[i]!.weight;
      if (w !== w0) equal = false;
      sum += w;
      cumulative[i] = sum;
    }
    this.cumulative = equal ? undefined : cumulative;
    this.total = sum;
  }

  pick(_hash: number | undefined, exclude: Endpoint | undefined): Endpoint | null {
    const eps = this.eps;
    const n = eps.length;
    if (n === 1) return eps[0]!;
    const c = this.cumulative;
    let i: number;
    let j: number;
    if (c === undefined) {
      // Two distinct indices: the second is drawn from the n-1 others.
      i = Math.min(Math.floor(this.random() * n), n - 1);
      j = Math.min(Math.floor(this.random() * (n - 1)), n - 2);
      if (j >= i) j++;
    } else {
      // Each drawn by weight; the second over the others' weights only (the excluded span skipped).
      i = searchCumulative(c, this.random() * this.total);
      const start = i === 0 ? 0 : c[i - 1]!;
      const w = c[i]! - start;
      const x = this.random() * (this.total - w);
      const k = searchCumulative(c, x < start ? x : x + w);
      j = k === i ? (i + 1) % n : k;
    }
    const a = eps[i]!;
    const b = eps[j]!;
    // Distinct candidates: at most one of them is the endpoint a retry must avoid.
    if (a === exclude) return b;
    if (b === exclude) return a;
    // a.active / a.weight <= b.active / b.weight, without dividing; a tie keeps the weighted first draw.
    return a.activeRequests * b.weight <= b.activeRequests * a.weight ? a : b;
  }
}

/** Factory for lb_policy least_request. */
export function createLeastRequest(endpoints: readonly Endpoint[], settings: LbSettings): LoadBalancer {
  return endpoints.length === 0 ? EMPTY_BALANCER : new PowerOfTwoChoices(endpoints, settings.random);
}
