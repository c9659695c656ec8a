/**
 * maglev: Google's Maglev consistent hashing (NSDI '16) with weights. Each endpoint walks its own
 * permutation of a prime-sized lookup table (offset and skip from two hashes of its key) and
 * claims the next free slot on its turns; heavier endpoints take turns more often, so slots are
 * proportional to weight. A pick is one table read: table[hash mod size]. Removing an endpoint
 * moves little beyond the slots it owned.
 */
import type { Endpoint } from '../contract.js';
import type { LoadBalancer, LbSettings } from './load-balancer.js';
import { EMPTY_BALANCER } from './load-balancer.js';
import { WeightedRandom } from './weighted-random.js';
import { hashEndpoint } from './endpoint-key.js';

/**
 * Fills a lookup table of `size` (prime) slots with endpoint indices. Every endpoint gets about
 * size × weight / total slots.
 */
export function buildMaglevTable(endpoints: readonly Endpoint[], size: number): Int32Array {
  const n = endpoints.length;
  const table = new Int32Array(size).fill(-1);
  const offset = new Float64Array(n);
  const skip = new Float64Array(n);
  /** Where each endpoint is in its permutation: slot = (offset + skip × j) mod size. */
  const cursor = new Float64Array(n);
  const credit = new Float64Array(n);
  let maxWeight = 0;
  for (let i = 0; i < n; i++) {
    const ep = endpoints[i]!;
    offset[i] = hashEndpoint(ep) % size;
    skip[i] = (hashEndpoint(ep, '#skip') % (size - 1)) + 1;
    cursor[i] = offset[i]!;
    if (ep.weight > maxWeight) maxWeight = ep.weight;
  }
  let filled = 0;
  while (filled < size) {
    for (let i = 0; i < n && filled < size; i++) {
      // Weighted turns: an endpoint claims a slot each time its credit reaches the largest
      // weight, so the heaviest claims every round and the others proportionally less often.
      credit[i] += endpoints[i]!.weight;
      if (credit[i]! < maxWeight) continue;
      credit[i] -= maxWeight;
      let slot = cursor[i]!;
      // skip and size are coprime (size is prime), so the walk visits every slot.
      while (table[slot] !== -1) slot = (slot + skip[i]!) % size;
      table[slot] = i;
      cursor[i] = (slot + skip[i]!) % size;
      filled++;
    }
  }
  return table;
}

class MaglevTable implements LoadBalancer {
  private readonly eps: readonly Endpoint[];
  private readonly table: Int32Array;
  private readonly fallback: WeightedRandom;

  constructor(endpoints: readonly Endpoint[], s: LbSettings) {
    this.eps = endpoints;
    this.table = buildMaglevTable(endpoints, s.maglevTableSize);
    this.fallback = new WeightedRandom(endpoints, s.random);
  }

  pick(hash: number | undefined, exclude: Endpoint | undefined): Endpoint | null {
    if (hash === undefined) return this.fallback.pick(undefined, exclude);
    const size = this.table.length;
    const slot = (hash >>> 0) % size;
    const ep = this.eps[this.table[slot]!]!;
    if (ep !== exclude || this.eps.length < 2) return ep;
    // A retry: neighbouring slots belong to endpoints in hash order, so the next different one
    // is a stable, spread-out second choice for this key.
    for (let step = 1; step < size; step++) {
      const other = this.eps[this.table[(slot + step) % size]!]!;
      if (other !== exclude) return other;
    }
    return ep;
  }
}

/** Factory for lb_policy maglev. table_size is validated prime at load. */
export function createMaglev(endpoints: readonly Endpoint[], settings: LbSettings): LoadBalancer {
  return endpoints.length === 0 ? EMPTY_BALANCER : new MaglevTable(endpoints, settings);
}
