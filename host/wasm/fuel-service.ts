/**
 * Fuel instrumentation off the main thread. binaryen.js costs ~80 MB of RSS once loaded and
 * rewriting a large module takes long enough to stall traffic, so the rewrite runs in a worker
 * thread that is started on demand and ended once idle: the gateway's steady-state memory never
 * includes binaryen, and a hot swap under load does not block the event loop.
 *
 * Results are cached by the module's sha256, so the same module loaded for several listeners,
 * per-route configurations or reloads is rewritten once per process.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** A worker with nothing to do for this long is ended (its memory goes with it). */
const IDLE_MS = 2_000;
/** Instrumented modules kept for reuse. */
const CACHE_ENTRIES = 32;

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (err: Error) => void;
}

/** Owns the worker thread and the cache. One per process (see `fuelService`). */
export class FuelService {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  private idle: NodeJS.Timeout | undefined;

  /** The module with fuel probes and the OOM flag added. Rejects with the reason it cannot be. */
  instrument(bytes: Uint8Array): Promise<Uint8Array> {
    const key = createHash('sha256').update(bytes).digest('hex');
    const hit = this.cache.get(key);
    if (hit) return hit;
    const job = this.run(bytes);
    this.cache.set(key, job);
    job.catch(() => this.cache.delete(key));
    if (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return job;
  }

  private run(bytes: Uint8Array): Promise<Uint8Array> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // A copy goes to the worker: the caller keeps its bytes (they are hashed and reported).
      worker.postMessage({ id, bytes: Uint8Array.from(bytes) });
      worker.ref();
    });
  }

  private ensureWorker(): Worker {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.worker) return this.worker;
    const w = new Worker(new URL('./fuel-worker.js', import.meta.url));
    w.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.bytes) p.resolve(new Uint8Array(m.bytes));
      else p.reject(new Error(m.error ?? 'instrumentation failed'));
      if (this.pending.size === 0) this.scheduleIdle(w);
    });
    const fail = (err: Error): void => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`fuel instrumentation worker failed: ${err.message}`));
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = undefined;
      if (this.pending.size > 0) fail(new Error(`exited with code ${code}`));
    });
    this.worker = w;
    return w;
  }

  private scheduleIdle(w: Worker): void {
    // Nothing pending: the worker must not keep the process alive, and goes after IDLE_MS.
    w.unref();
    this.idle = setTimeout(() => {
      this.idle = undefined;
      if (this.pending.size === 0 && this.worker === w) {
        this.worker = undefined;
        void w.terminate();
      }
    }, IDLE_MS);
    this.idle.unref();
  }
}

let shared: FuelService | undefined;

/**
 * The process's fuel service. A process-wide resource on purpose (like a thread pool): every
 * plugin load shares the one worker and the one cache.
 */
export function fuelService(): FuelService {
  return (shared ??= new FuelService());
}
