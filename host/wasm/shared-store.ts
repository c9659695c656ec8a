/**
 * Shared data (key/value with CAS) and shared queues, keyed by vm_id as in proxy-wasm-cpp-host:
 * every VM with the same vm_id (filters sharing it, or a reloaded VM) sees the same entries.
 * One store per worker process, created by whoever builds filter chains and passed in.
 */

interface Entry {
  value: Buffer;
  cas: number;
}

interface Queue {
  readonly id: number;
  readonly items: Buffer[];
  /** Called (from the event loop) after an enqueue: the registrant's proxy_on_queue_ready. */
  notify: ((queueId: number) => void) | undefined;
}

/** Shared data and queues of one worker (see the file comment). */
export class SharedStore {
  private readonly data = new Map<string, Map<string, Entry>>();
  private readonly queuesByName = new Map<string, Queue>();
  private readonly queuesById = new Map<number, Queue>();
  private nextCas = 1;
  private nextQueueId = 1;

  /** `firstUse` runs once, at the first write or queue registration (a per-worker warning). */
  constructor(private firstUse?: (vmId: string) => void) {}

  private used(vmId: string): void {
    const f = this.firstUse;
    if (f === undefined) return;
    this.firstUse = undefined;
    f(vmId);
  }

  get(vmId: string, key: string): Entry | undefined {
    return this.data.get(vmId)?.get(key);
  }

  /**
   * Sets `key` unless it exists, `cas` is non-zero and differs from its current CAS. A missing
   * key is inserted whatever `cas` says (proxy-wasm-cpp-host). Returns false on CAS mismatch.
   * Every successful set gets a fresh non-zero CAS.
   */
  set(vmId: string, key: string, value: Buffer, cas: number): boolean {
    let m = this.data.get(vmId);
    if (!m) {
      this.used(vmId);
      this.data.set(vmId, (m = new Map()));
    }
    const cur = m.get(key);
    if (cur && cas !== 0 && cur.cas !== cas) return false;
    const next = this.nextCas;
    this.nextCas = this.nextCas >= 0xffff_fffe ? 1 : this.nextCas + 1;
    m.set(key, { value, cas: next });
    return true;
  }

  /** Registers (or re-registers, keeping data and re-targeting notifications) a queue. */
  registerQueue(vmId: string, name: string, notify: (queueId: number) => void): number {
    const key = `${vmId}\0${name}`;
    let q = this.queuesByName.get(key);
    if (!q) {
      this.used(vmId);
      q = { id: this.nextQueueId++, items: [], notify };
      this.queuesByName.set(key, q);
      this.queuesById.set(q.id, q);
    } else q.notify = notify;
    return q.id;
  }

  resolveQueue(vmId: string, name: string): number | undefined {
    return this.queuesByName.get(`${vmId}\0${name}`)?.id;
  }

  /** False when no such queue. The registrant is notified asynchronously. */
  enqueue(id: number, value: Buffer): boolean {
    const q = this.queuesById.get(id);
    if (!q) return false;
    q.items.push(value);
    const notify = q.notify;
    if (notify) setImmediate(notify, id);
    return true;
  }

  /** undefined: no such queue; null: empty. */
  dequeue(id: number): Buffer | null | undefined {
    const q = this.queuesById.get(id);
    if (!q) return undefined;
    return q.items.shift() ?? null;
  }

  /** Drops notifications that point at a VM going away (data stays, keyed by vm_id). */
  forgetNotify(notify: (queueId: number) => void): void {
    for (const q of this.queuesById.values()) if (q.notify === notify) q.notify = undefined;
  }
}
