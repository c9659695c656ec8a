/**
 * random: picks an endpoint with probability weight / total weight. Cumulative weights in a
 * typed array and a binary search make a pick O(log n) without allocating.
 */
import type { Endpoint } from '../contract.js';
import type { LoadBalancer, LbSettings } from './load-balancer.js';
import { EMPTY_BALANCER } from './load-balancer.js';

/** Index i such that cumulative[i-1] <= x < cumulative[i]. */
export function searchCumulative(cumulative: Float64Array, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Weighted random choice over a fixed endpoint list; also the fallback of the hash policies. */
export class WeightedRandom implements LoadBalancer {
  private readonly eps: readonly Endpoint[];
  private readonly cumulative: Float64Array;
  private readonly total: number;
  private readonly random: () => number;

  constructor(endpoints: readonly Endpoint[], random: () => number) {
    this.eps = endpoints;
    this.random = random;
    this.cumulative = new Float64Array(endpoints.length);
    let sum = 0;
    for (let i = 0; i < endpoints.length; i++) {
      sum += endpoints[i]!.weight;
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  pick(_hash: number | undefined, exclude: Endpoint | undefined): Endpoint | null {
    const n = this.eps.length;
    const i = searchCumulative(this.cumulative, this.random() * this.total);
    const ep = this.eps[i]!;
    if (ep !== exclude || n < 2) return ep;
    // Draw again over the others only: shrink the range by the excluded weight and step over it.
    const w = exclude.weight;
    const x = this.random() * (this.total - w);
    const start = i === 0 ? 0 : this.cumulative[i - 1]!;
    const k = searchCumulative(this.cumulative, x < start ? x : x + w);
    return this.eps[k === i ? (i + 1) % n : k]!;
  }
}

/** Factory for lb_policy random. */
export function createWeightedRandom(endpoints: readonly Endpoint[], settings: LbSettings): LoadBalancer {
  return endpoints.length === 0 ? EMPTY_BALANCER : new WeightedRandom(endpoints, settings.random);
}
