/**
 * Fuel instrumentation out of the gateway's process. binaryen.js is a large wasm module, and
 * rewriting a large filter takes long enough to stall traffic, so the rewrite runs in a child
 * process that is started on demand and ended once idle: a hot swap under load does not block
 * the event loop, and the gateway's steady-state memory never includes binaryen.
 *
 * A child process, not a worker thread: V8 compiles binaryen on background threads whose malloc
 * arenas keep the memory after the worker ends. Measured with one filter, a worker thread left
 * ~100 MB of RSS in those arenas for the life of the gateway (218 MB against 118 MB with no
 * filter); a child's memory goes back to the system when it exits.
 *
 * Results are cached by the module's sha256, so the same module loaded for several listeners,
 * per-route configurations or reloads is rewritten once per process.
 */
import { createHash } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A child with nothing to do for this long is ended (its memory goes with it). */
const IDLE_MS = 2_000;
/** Instrumented modules kept for reuse. */
const CACHE_ENTRIES = 32;

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (err: Error) => void;
}

/** Owns the child process and the cache. One per process (see `fuelService`). */
export class FuelService {
  private child: ChildProcess | undefined;
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
    const child = this.ensureChild();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ id, bytes });
      child.ref();
      child.channel?.ref();
    });
  }

  private ensureChild(): ChildProcess {
    if (this.idle) clearTimeout(this.idle);
    this.idle = undefined;
    if (this.child) return this.child;
    // execArgv []: the gateway's own node flags (--inspect, --cpu-prof, …) are not the child's.
    // 'advanced' serialization carries the module bytes as a Uint8Array, not as JSON.
    const w = fork(fileURLToPath(new URL('./fuel-worker.js', import.meta.url)), [], {
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    w.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.bytes) p.resolve(new Uint8Array(m.bytes));
      else p.reject(new Error(m.error ?? 'instrumentation failed'));
      if (this.pending.size === 0) this.scheduleIdle(w);
    });
    const fail = (err: Error): void => {
      if (this.child === w) this.child = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`fuel instrumentation process failed: ${err.message}`));
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code, signal) => {
      if (this.child === w) this.child = undefined;
      if (this.pending.size > 0) fail(new Error(`exited with ${signal ?? `code ${code}`}`));
    });
    this.child = w;
    return w;
  }

  private scheduleIdle(w: ChildProcess): void {
    // Nothing pending: the child must not keep the gateway alive, and goes after IDLE_MS.
    w.unref();
    w.channel?.unref();
    this.idle = setTimeout(() => {
      this.idle = undefined;
      if (this.pending.size === 0 && this.child === w) {
        this.child = undefined;
        w.kill();
      }
    }, IDLE_MS);
    this.idle.unref();
  }
}

let shared: FuelService | undefined;

/**
 * The process's fuel service. A process-wide resource on purpose (like a thread pool): every
 * plugin load shares the one child and the one cache.
 */
export function fuelService(): FuelService {
  return (shared ??= new FuelService());
}
