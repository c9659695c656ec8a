/**
 * A VM's live contexts by id: root and stream contexts, one slot each, in an array indexed by
 * `id & mask`. The VM picks ids whose slot is free (isFree), so lookups need no hashing or probing.
 *
 * Why not a Map: a VM is long-lived (its Map ends up in V8's old space) while stream contexts
 * live for one request, and each context reaches its whole request (filter, headers, sockets).
 * Set/delete churn makes V8 rehash the Map's backing table every few dozen requests, and the
 * dropped tables keep their entries. A scavenge does not know those old-space tables are dead,
 * so they keep recent requests alive until the next full GC. With one wasm filter this
 * made every scavenge keep ~3 MB instead of ~150 KB, at ~10x the pause. Here delete() clears
 * the slot itself, and the array is replaced only when it grows (bounded by the peak number
 * of live contexts), never because of churn.
 */
import type { Context } from './context.js';

const INITIAL_SLOTS = 64;

/** Live contexts of one VM by id (the subset of Map the host uses, plus isFree). */
export class ContextTable {
  private slots: (Context | undefined)[] = emptySlots(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;

  /** Number of live contexts. */
  get size(): number {
    return this.count;
  }

  /** The live context with this id, if any. */
  get(id: number): Context | undefined {
    const c = this.slots[id & this.mask];
    return c !== undefined && c.id === id ? c : undefined;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  /**
   * Whether a new context may take `id`: its slot is free. Ids that fail this are skipped (they
   * are still never reused while live, and stay monotonic). The table is kept at most half
   * full, so a free id is never more than a few steps away.
   */
  isFree(id: number): boolean {
    return this.slots[id & this.mask] === undefined;
  }

  /** Adds `ctx` under `id` (its own id). Grows when needed; ids should come from isFree(). */
  set(id: number, ctx: Context): this {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    for (;;) {
      const i = id & this.mask;
      const cur = this.slots[i];
      if (cur === undefined) {
        this.slots[i] = ctx;
        this.count++;
        return this;
      }
      if (cur.id === id) {
        this.slots[i] = ctx;
        return this;
      }
      // Two live ids equal in the low bits (an id not picked with isFree): widen the mask.
      this.grow();
    }
  }

  /** Removes the context with this id; clearing the slot drops the table's only reference. */
  delete(id: number): boolean {
    const i = id & this.mask;
    const c = this.slots[i];
    if (c === undefined || c.id !== id) return false;
    this.slots[i] = undefined;
    this.count--;
    return true;
  }

  /** Live contexts (slot order, not creation order). */
  *values(): IterableIterator<Context> {
    for (const c of this.slots) if (c !== undefined) yield c;
  }

  /**
   * Doubles the slots. Ids in different slots under the old mask stay apart under the wider
   * one, so re-inserting never collides.
   */
  private grow(): void {
    const old = this.slots;
    this.slots = emptySlots(old.length * 2);
    this.mask = this.slots.length - 1;
    for (const c of old) if (c !== undefined) this.slots[c.id & this.mask] = c;
  }
}

/** A packed array of `n` empty slots (no holes: reads never consult the prototype chain). */
function emptySlots(n: number): (Context | undefined)[] {
  const a: (Context | undefined)[] = [];
  for (let i = 0; i < n; i++) a.push(undefined);
  return a;
}
