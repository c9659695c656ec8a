/**
 * ring_hash: Envoy's consistent hash ring ("Ketama"). Each endpoint owns points on a 32-bit
 * ring in proportion to its weight; a request hash goes to the first point at or after it
 * (wrapping), found by binary search. Removing an endpoint only remaps the keys its points
 * owned. The ring holds between minimum_ring_size and maximum_ring_size points (see ringShares).
 */
import type { Endpoint } from '../contract.js';
import type { LoadBalancer, LbSettings } from './load-balancer.js';
import { EMPTY_BALANCER } from './load-balancer.js';
import { WeightedRandom } from './weighted-random.js';
import { hashEndpoint } from './endpoint-key.js';
import { fmix32 } from '../../router/hash.js';

/** Point `replica` of an endpoint: a bijective mix of its key hash and the replica number. */
function pointHash(keyHash: number, replica: number): number {
  return fmix32((keyHash + Math.imul(replica + 1, 0x9e3779b9)) >>> 0);
}

/**
 * How many points each endpoint gets: weight × u, where u (points per unit of weight) is the
 * smallest power of two that makes the ring at least minimum_ring_size, lowered if needed to
 * stay within maximum_ring_size. Envoy scales the ring to the exact minimum instead; a power of
 * two changes only when the total weight crosses a power of two, so when DNS adds or drops an
 * endpoint the others keep their points and only the keys of the changed endpoint move.
 */
export function ringShares(weights: readonly number[], minSize: number, maxSize: number): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let perWeight = 2 ** Math.ceil(Math.log2(minSize / total));
  while (perWeight > 2 ** -30 && total * perWeight > maxSize) perWeight /= 2;
  // Every endpoint keeps at least one point, so none becomes unreachable by hash.
  return weights.map((w) => Math.max(1, Math.round(w * perWeight)));
}

class HashRing implements LoadBalancer {
  private readonly eps: readonly Endpoint[];
  /** Point hashes, ascending. */
  private readonly hashes: Uint32Array;
  /** Endpoint index owning each point. */
  private readonly owners: Int32Array;
  private readonly fallback: WeightedRandom;

  constructor(endpoints: readonly Endpoint[], s: LbSettings) {
    this.eps = endpoints;
    this.fallback = new WeightedRandom(endpoints, s.random);
    const shares = ringShares(endpoints.map((e) => e.weight), s.ringMinSize, s.ringMaxSize);
    const size = shares.reduce((a, b) => a + b, 0);
    this.hashes = new Uint32Array(size);
    this.owners = new Int32Array(size);
    const n = endpoints.length;
    // Sort (hash, owner) pairs packed into one float64 each: a typed-array numeric sort, no
    // per-point objects. The owner sits in the low bits; ties in hash order by owner.
    const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
    if (bits <= 21) {
      const mul = 2 ** bits;
      const packed = new Float64Array(size);
      let k = 0;
      for (let i = 0; i < n; i++) {
        const h0 = hashEndpoint(endpoints[i]!);
        for (let r = 0; r < shares[i]!; r++) packed[k++] = pointHash(h0, r) * mul + i;
      }
      packed.sort();
      for (let p = 0; p < size; p++) {
        const v = packed[p]!;
        const owner = v % mul;
        this.owners[p] = owner;
        this.hashes[p] = (v - owner) / mul;
      }
    } else {
      // More endpoints than fit beside a 32-bit hash in a double: sort point indices instead.
      const hs = new Uint32Array(size);
      const os = new Int32Array(size);
      let k = 0;
      for (let i = 0; i < n; i++) {
        const h0 = hashEndpoint(endpoints[i]!);
        for (let r = 0; r < shares[i]!; r++, k++) { hs[k] = pointHash(h0, r); os[k] = i; }
      }
      const order = Array.from({ length: size }, (_, p) => p).sort((a, b) => hs[a]! - hs[b]! || os[a]! - os[b]!);
      order.forEach((p, q) => { this.hashes[q] = hs[p]!; this.owners[q] = os[p]!; });
    }
  }

  pick(hash: number | undefined, exclude: Endpoint | undefined): Endpoint | null {
    if (hash === undefined) return this.fallback.pick(undefined, exclude);
    const size = this.hashes.length;
    if (size === 0) return this.fallback.pick(undefined, exclude);
    let p = this.lowerBound(hash >>> 0);
    if (p === size) p = 0;
    const ep = this.eps[this.owners[p]!]!;
    if (ep !== exclude || this.eps.length < 2) return ep;
    // A retry: walk on clockwise to the next endpoint, as the key would if this one were gone.
    for (let step = 1; step < size; step++) {
      const other = this.eps[this.owners[(p + step) % size]!]!;
      if (other !== exclude) return other;
    }
    return ep;
  }

  /** First point whose hash is >= h (size when none). */
  private lowerBound(h: number): number {
    const hs = this.hashes;
    let lo = 0;
    let hi = hs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hs[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Factory for lb_policy ring_hash. */
export function createRingHash(endpoints: readonly Endpoint[], settings: LbSettings): LoadBalancer {
  return endpoints.length === 0 ? EMPTY_BALANCER : new HashRing(endpoints, settings);
}
