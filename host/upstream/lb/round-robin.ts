/**
 * round_robin: weighted round robin as an earliest-deadline-first schedule (Envoy's choice).
 * Each endpoint's next deadline is (picks + 1) / weight; the endpoint with the earliest deadline
 * goes next, ties broken by the order they were scheduled. Equal weights give an exact rotation;
 * weights 1:3 give one pick in four and three in four. A binary heap in typed arrays makes a
 * pick O(log n) with no allocation.
 */
import type { Endpoint } from '../contract.js';
import type { LoadBalancer, LbSettings } from './load-balancer.js';
import { EMPTY_BALANCER } from './load-balancer.js';

class EdfRoundRobin implements LoadBalancer {
  private readonly eps: readonly Endpoint[];
  private readonly weight: Float64Array;
  private readonly picks: Float64Array;
  private readonly deadline: Float64Array;
  /** Scheduling order, the tie-break between equal deadlines (keeps rotation exact). */
  private readonly order: Float64Array;
  private readonly heap: Int32Array;
  private nextOrder = 0;

  constructor(endpoints: readonly Endpoint[]) {
    const n = endpoints.length;
    this.eps = endpoints;
    this.weight = new Float64Array(n);
    this.picks = new Float64Array(n);
    this.deadline = new Float64Array(n);
    this.order = new Float64Array(n);
    this.heap = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.weight[i] = endpoints[i]!.weight;
      this.deadline[i] = 1 / this.weight[i]!;
      this.order[i] = this.nextOrder++;
      this.heap[i] = i;
    }
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  pick(_hash: number | undefined, exclude: Endpoint | undefined): Endpoint | null {
    const first = this.advance();
    if (first !== exclude || this.eps.length < 2) return first;
    // The failed endpoint came up again: take the next one in the schedule instead.
    return this.advance();
  }

  /** Takes the head of the schedule and re-schedules it at its next deadline. */
  private advance(): Endpoint {
    const i = this.heap[0]!;
    const picks = ++this.picks[i]!;
    this.deadline[i] = (picks + 1) / this.weight[i]!;
    this.order[i] = this.nextOrder++;
    this.siftDown(0);
    return this.eps[i]!;
  }

  private before(a: number, b: number): boolean {
    const da = this.deadline[a]!;
    const db = this.deadline[b]!;
    return da < db || (da === db && this.order[a]! < this.order[b]!);
  }

  private siftDown(pos: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[pos]!;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(heap[child + 1]!, heap[child]!)) child++;
      if (!this.before(heap[child]!, item)) break;
      heap[pos] = heap[child]!;
      pos = child;
    }
    heap[pos] = item;
  }
}

/** Factory for lb_policy round_robin. */
export function createRoundRobin(endpoints: readonly Endpoint[], _settings: LbSettings): LoadBalancer {
  return endpoints.length === 0 ? EMPTY_BALANCER : new EdfRoundRobin(endpoints);
}
