/**
 * One proxy-wasm VM: a WebAssembly.Instance with its own linear memory, its HostEnv, the root
 * context of its plugin and the stream contexts created on it. Every call into the guest goes
 * through invoke(): fuel is refilled, the current context set, and any trap, abort, proc_exit,
 * budget breach or memory-cap breach fails this VM only (logged with the filter and callback,
 * counted in metrics). After a failure no callback runs on it again.
 */
import type { Logger } from '../observability/contract.js';
import { WasmResult } from './abi.js';
import type { ModuleShape } from './abi-detect.js';
import {
  Restriction, type CallResponse, type Context, type HostEnv, type PluginInfo, type RootContext, type StreamContext,
  type StreamHost, type VmOps,
} from './context.js';
import { ContextTable } from './context-table.js';
import { GuestAbort, GuestExit, RestrictedCallback } from './errors.js';
import { buildImports } from './imports.js';
import { GuestMemory } from './memory.js';
import { FUEL_EXPORT, fuelFor, OOM_EXPORT } from './metering.js';
import type { FailureKind } from './metrics.js';
import type { HostServices } from './services.js';

/** A module compiled once (instrumented, memory-capped) and inspected. */
export interface CompiledModule {
  readonly module: WebAssembly.Module;
  readonly shape: ModuleShape;
  /** Memory cap in bytes (what the module's maximum was set to). */
  readonly memoryLimitBytes: number;
}

/** Per-VM limits. */
export interface VmOptions {
  /** Time budget per callback (ms of fuel). */
  callbackTimeoutMs: number;
}

/** Why a VM stopped serving. */
export interface VmFailure {
  kind: FailureKind;
  callback: string;
  message: string;
}

type Export = (...args: number[]) => number;

/** Largest delay Node's timers accept. */
const MAX_TIMER_MS = 0x7fff_ffff;

/** One proxy-wasm VM (see the file comment). */
export class WasmVm {
  readonly env: HostEnv;
  failure: VmFailure | undefined;
  /** Called once when the VM fails (the plugin applies its failure policy). */
  onFailure: ((vm: WasmVm) => void) | undefined;
  private readonly instance: WebAssembly.Instance;
  private readonly fns: Record<string, Export | undefined> = {};
  private readonly fuel: WebAssembly.Global | undefined;
  private readonly oom: WebAssembly.Global | undefined;
  private readonly budget: number;
  private nextId = 1;
  private depth = 0;

  constructor(readonly compiled: CompiledModule, plugin: PluginInfo, services: HostServices, log: Logger,
    private readonly opts: VmOptions) {
    const ops: VmOps = {
      setTickPeriod: (root, ms) => this.setTick(root, ms),
      done: () => this.proxyDone(),
      queueReady: (id) => {
        const root = this.env.root;
        if (root && !root.deleted) this.invoke('proxy_on_queue_ready', root, root.id, id);
      },
      httpCallDone: (root, token, res) => this.httpCallDone(root, token, res),
    };
    this.env = {
      mem: new GuestMemory(), abi: compiled.shape.abi, plugin, log, services, contexts: new ContextTable(), root: undefined,
      current: undefined, effective: undefined, restricted: Restriction.Init, callback: 'instantiate',
      callResponse: undefined, status: { code: 0, message: '' }, ops,
    };
    this.budget = fuelFor(opts.callbackTimeoutMs);
    this.instance = new WebAssembly.Instance(compiled.module, buildImports(this.env, compiled.module));
    const ex = this.instance.exports;
    if (ex.memory instanceof WebAssembly.Memory) this.env.mem.attach(ex.memory);
    else throw new Error('module exports no memory');
    this.fuel = ex[FUEL_EXPORT] instanceof WebAssembly.Global ? (ex[FUEL_EXPORT] as WebAssembly.Global) : undefined;
    this.oom = ex[OOM_EXPORT] instanceof WebAssembly.Global ? (ex[OOM_EXPORT] as WebAssembly.Global) : undefined;
    for (const name of compiled.shape.exports) this.fns[name] = ex[name] as Export;
    const alloc = this.fns.proxy_on_memory_allocate ?? this.fns.malloc;
    if (!alloc) throw new Error('module exports neither proxy_on_memory_allocate nor malloc');
    this.env.mem.alloc = (size) => {
      const prev = this.env.restricted;
      this.env.restricted = Restriction.Alloc;
      try {
        return alloc(size);
      } finally {
        this.env.restricted = prev;
      }
    };
  }

  /** Whether the module exports `name`. */
  has(name: string): boolean {
    return this.fns[name] !== undefined;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Module init (`_initialize` [+ `main`] or `_start`), then the root context:
   * on_context_create(root, 0), on_vm_start, on_configure. Returns an error message or undefined.
   */
  start(startBudgetMs: number): string | undefined {
    const big = fuelFor(Math.max(startBudgetMs, this.opts.callbackTimeoutMs));
    const init = this.fns._initialize ? '_initialize' : this.fns._start ? '_start' : undefined;
    if (init) {
      this.invoke(init, undefined, undefined, undefined, undefined, undefined, undefined, big);
      if (!this.failed && init === '_initialize') {
        // C/C++ reactors built with a main() (Emscripten, wasi-libc) run it after _initialize.
        if (this.fns.main) this.invoke('main', undefined, 0, 0, undefined, undefined, undefined, big);
        else if (this.fns.__main_void) this.invoke('__main_void', undefined, undefined, undefined, undefined, undefined, undefined, big);
      }
      if (this.failed) return `${init} failed: ${this.failure!.message}`;
    }
    this.env.restricted = Restriction.None;
    const root: RootContext = {
      kind: 'root', id: this.nextId++, rootId: this.env.plugin.rootId, tick: undefined, calls: new Map(),
      pendingDone: false, deleted: false,
    };
    this.env.root = root;
    this.env.contexts.set(root.id, root);
    this.invoke('proxy_on_context_create', root, root.id, 0, undefined, undefined, undefined, big);
    const vmStart = this.invoke('proxy_on_vm_start', root, root.id, this.env.plugin.vmConfiguration.length, undefined, undefined, undefined, big);
    if (this.failed) return `proxy_on_vm_start failed: ${this.failure!.message}`;
    if (vmStart === 0) return 'proxy_on_vm_start returned false';
    const conf = this.invoke('proxy_on_configure', root, root.id, this.env.plugin.configuration.length, undefined, undefined, undefined, big);
    if (this.failed) return `proxy_on_configure failed: ${this.failure!.message}`;
    if (conf === 0) return 'proxy_on_configure returned false';
    return undefined;
  }

  /**
   * Calls export `name` with context `ctx` current. Returns its result (0 for void exports), or
   * undefined when the export is absent or the VM failed (now or before).
   */
  invoke(name: string, ctx: Context | undefined, a?: number, b?: number, c?: number, d?: number, e?: number,
    budget?: number): number | undefined {
    const fn = this.fns[name];
    if (fn === undefined || this.failure !== undefined) return undefined;
    const env = this.env;
    const prevCur = env.current;
    const prevEff = env.effective;
    const prevCb = env.callback;
    env.current = ctx;
    env.effective = ctx;
    env.callback = name;
    // Nested calls (a host function calling back in) share the outer budget.
    if (this.depth++ === 0 && this.fuel) this.fuel.value = budget ?? this.budget;
    try {
      return (fn(a!, b!, c!, d!, e!) as number | undefined) ?? 0;
    } catch (err) {
      this.fail(err, name);
      return undefined;
    } finally {
      this.depth--;
      env.current = prevCur;
      env.effective = prevEff;
      env.callback = prevCb;
    }
  }

  private classify(err: unknown): FailureKind {
    if (err instanceof RestrictedCallback) return 'restricted_callback';
    if (this.fuel && (this.fuel.value as number) < 0) return 'budget_exceeded';
    // A failed memory.grow first: the allocator's abort or trap that follows is its consequence.
    if (this.oom && this.oom.value === 1) return 'memory_limit';
    if (err instanceof GuestAbort) return 'abort';
    if (err instanceof GuestExit) return 'proc_exit';
    return 'trap';
  }

  /** Marks the VM failed (once), stops its timers and calls, logs and counts. */
  fail(err: unknown, callback: string): void {
    if (this.failure) return;
    const kind = this.classify(err);
    const message = kind === 'budget_exceeded'
      ? `callback exceeded its ${this.opts.callbackTimeoutMs}ms budget`
      : kind === 'memory_limit' ? `memory limit of ${this.compiled.memoryLimitBytes} bytes reached (${String((err as Error)?.message ?? err)})`
      : String((err as Error)?.message ?? err);
    this.failure = { kind, callback, message };
    this.env.log.error(`wasm filter ${this.env.plugin.name} failed in ${callback}: ${kind}: ${message}`, { callback, kind });
    this.env.services.metrics.failure(kind, callback);
    this.stopAsync();
    this.onFailure?.(this);
    for (const ctx of this.env.contexts.values()) {
      if (ctx.kind === 'stream' && !ctx.deleted) queueMicrotask(() => ctx.host.vmFailed());
    }
  }

  private stopAsync(): void {
    const root = this.env.root;
    if (root) {
      if (root.tick) clearInterval(root.tick);
      root.tick = undefined;
      for (const c of root.calls.values()) c.abort();
      root.calls.clear();
    }
    this.env.services.shared.forgetNotify(this.env.ops.queueReady);
  }

  private setTick(root: RootContext, ms: number): void {
    if (root.tick) clearInterval(root.tick);
    root.tick = undefined;
    if (ms === 0 || root.deleted) return;
    // Node turns a delay above 2^31-1 ms into 1 ms: clamp (a period of ~24.8 days instead).
    root.tick = setInterval(() => this.invoke('proxy_on_tick', root, root.id), Math.min(ms, MAX_TIMER_MS));
    root.tick.unref();
  }

  private httpCallDone(root: RootContext, token: number, res: CallResponse | 'reset'): void {
    if (this.failed || root.deleted) return;
    if (typeof res === 'string') {
      this.env.status = { code: WasmResult.BrokenConnection, message: res };
      this.invoke('proxy_on_http_call_response', root, root.id, token, 0, 0, 0);
      return;
    }
    this.env.status = { code: WasmResult.Ok, message: 'ok' };
    this.env.callResponse = res;
    try {
      this.invoke('proxy_on_http_call_response', root, root.id, token, res.headers.count, res.body.length, res.trailers.count);
    } finally {
      this.env.callResponse = undefined;
    }
  }

  private proxyDone(): WasmResult {
    const ctx = this.env.effective ?? this.env.current;
    const root = ctx?.kind === 'stream' ? ctx.root : ctx;
    if (!root || !root.pendingDone) return WasmResult.NotFound;
    root.pendingDone = false;
    setImmediate(() => this.deleteRoot(root)); // on_delete only after the calling callback returned
    return WasmResult.Ok;
  }

  private deleteRoot(root: RootContext): void {
    if (root.deleted) return;
    this.stopAsync();
    this.invoke('proxy_on_delete', root, root.id);
    root.deleted = true;
    this.env.contexts.delete(root.id);
  }

  /** A stream context for one request: on_context_create(id, root). undefined if the VM failed. */
  createStream(host: StreamHost): StreamContext | undefined {
    const root = this.env.root;
    if (this.failed || !root || root.deleted) return undefined;
    // Ids grow monotonically; ids whose table slot is taken (a live context, after a
    // (theoretical) wrap the id itself) are skipped, so a live id is never reused.
    while (!this.env.contexts.isFree(this.nextId)) this.nextId++;
    const ctx: StreamContext = { kind: 'stream', id: this.nextId++, root, host, deleted: false };
    if (this.nextId > 0xffff_fff0) this.nextId = 2;
    this.env.contexts.set(ctx.id, ctx);
    this.invoke('proxy_on_context_create', ctx, ctx.id, root.id);
    return ctx;
  }

  /** Envoy's HTTP stream end: on_log, on_done, on_delete; the id is dead afterwards. */
  endStream(ctx: StreamContext): void {
    if (ctx.deleted) return;
    this.invoke('proxy_on_log', ctx, ctx.id);
    this.invoke('proxy_on_done', ctx, ctx.id);
    this.invoke('proxy_on_delete', ctx, ctx.id);
    ctx.deleted = true;
    this.env.contexts.delete(ctx.id);
    // Calls the stream started die with it: no response callback after its on_delete.
    if (ctx.calls) {
      for (const token of ctx.calls) {
        const call = ctx.root.calls.get(token);
        ctx.root.calls.delete(token);
        call?.abort();
      }
      ctx.calls = undefined;
    }
  }

  /** Shuts the root down: on_done, then on_delete now (true) or after proxy_done (false). */
  shutdown(): void {
    const root = this.env.root;
    if (!root || root.deleted || this.failed) {
      this.stopAsync();
      return;
    }
    // Timers and calls keep running while the root finishes (it may call proxy_done from them).
    const r = this.invoke('proxy_on_done', root, root.id);
    if (r === 0 && !this.failed) root.pendingDone = true;
    else this.deleteRoot(root);
  }
}
