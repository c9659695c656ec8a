/**
 * A configured proxy-wasm plugin: a compiled module plus its filter configuration, owning the
 * VM that serves new streams. Loading compiles once (metering and memory cap applied), starts a VM
 * and its root context, and throws with the reason when start or configure fails. Under
 * fail_reload a failed VM is replaced for new streams, at most once per backoff interval.
 *
 * In-process use (no sockets): `compileModule` + `WasmPlugin.load`, then `plugin.vm()` gives the
 * VM on which stream contexts are created (see README.md).
 */
import type { Registry } from 'prom-client';
import type { FailurePolicy, WasmFilterConfig } from '../config/types.js';
import { durationMs } from '../config/duration.js';
import type { Logger } from '../observability/contract.js';
import type { ClusterManager } from '../upstream/contract.js';
import { inspectModule } from './abi-detect.js';
import { createForeignFunctions } from './foreign-functions.js';
import { checkImportSignatures } from './import-signatures.js';
import type { PluginInfo } from './context.js';
import { fuelService } from './fuel-service.js';
import { capMemory } from './metering.js';
import { FilterMetrics } from './metrics.js';
import { systemNowNs, type HostServices } from './services.js';
import type { SharedStore } from './shared-store.js';
import { WasmVm, type CompiledModule } from './vm.js';

const MIB = 1024 * 1024;
/** First reload is immediate; later ones wait this long, doubling up to RELOAD_BACKOFF_MAX_MS. */
const RELOAD_BACKOFF_BASE_MS = 1000;
const RELOAD_BACKOFF_MAX_MS = 30_000;

/**
 * Validates, instruments (fuel counter) and caps (memory maximum) a module, compiles it and
 * checks its ABI version and imports. Throws with a readable reason.
 */
export async function compileModule(bytes: Uint8Array, memoryLimitBytes = 64 * MIB): Promise<CompiledModule> {
  if (!WebAssembly.validate(bytes)) throw new Error('not a valid WebAssembly module');
  // ABI and imports first, on the original: clearer errors, and no rewriting of foreign modules.
  inspectModule(await WebAssembly.compile(bytes));
  checkImportSignatures(bytes);
  const pages = Math.max(1, Math.floor(memoryLimitBytes / 65536));
  const rewritten = capMemory(await fuelService().instrument(bytes), pages);
  const module = await WebAssembly.compile(rewritten);
  return { module, shape: inspectModule(module), memoryLimitBytes: pages * 65536 };
}

/** Plugin configuration → bytes, as the module reads it (a map is sent as JSON). */
export function configBytes(v: string | Record<string, unknown> | undefined): Buffer {
  if (v === undefined) return Buffer.alloc(0);
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
}

/** What a plugin needs from the host around it. */
export interface PluginDeps {
  log: Logger;
  registry: Registry;
  shared: SharedStore;
  clusters?: ClusterManager;
  listenerName?: string;
  /** Told of every VM failure (trap, abort, budget, …) of this plugin: trap counts, canary rollback. */
  onFailure?: (plugin: WasmPlugin) => void;
}

/** A filter configuration bound to a compiled module: owns the VM that serves new streams. */
export class WasmPlugin {
  readonly info: PluginInfo;
  readonly failurePolicy: FailurePolicy;
  readonly callbackTimeoutMs: number;
  readonly metrics: FilterMetrics;
  private current: WasmVm;
  private nextReloadAt = 0;
  private backoffMs = RELOAD_BACKOFF_BASE_MS;
  private bornAt = Date.now();
  private closed = false;

  private constructor(readonly compiled: CompiledModule, name: string, private readonly cfg: WasmFilterConfig,
    private readonly deps: PluginDeps, private readonly services: HostServices, private readonly log: Logger) {
    this.info = {
      name, rootId: cfg.root_id ?? '', vmId: cfg.vm_id ?? '', configuration: configBytes(cfg.configuration),
      vmConfiguration: configBytes(cfg.vm_configuration), environment: cfg.environment_variables ?? {},
      listenerName: deps.listenerName ?? '',
    };
    this.failurePolicy = cfg.failure_policy ?? 'fail_closed';
    this.callbackTimeoutMs = durationMs(cfg.callback_timeout, 100);
    this.metrics = services.metrics;
    this.current = this.spawn();
  }

  /** Starts a VM and its root context for filter `name`; throws with the reason on failure. */
  static load(compiled: CompiledModule, name: string, cfg: WasmFilterConfig, deps: PluginDeps): WasmPlugin {
    const log = deps.log.child({ filter: name });
    const services: HostServices = {
      clusters: deps.clusters, shared: deps.shared, metrics: new FilterMetrics(deps.registry, name), nowNs: systemNowNs,
      foreign: createForeignFunctions(),
    };
    return new WasmPlugin(compiled, name, cfg, deps, services, log);
  }

  private spawn(): WasmVm {
    let vm: WasmVm;
    try {
      vm = new WasmVm(this.compiled, this.info, this.services, this.log, { callbackTimeoutMs: this.callbackTimeoutMs });
    } catch (err) {
      throw new Error(`instantiation failed: ${(err as Error).message}`);
    }
    const error = vm.start(1000);
    if (error) {
      vm.shutdown();
      throw new Error(error);
    }
    vm.onFailure = () => this.onVmFailure();
    this.bornAt = Date.now();
    return vm;
  }

  private onVmFailure(): void {
    // A VM that served for a while resets the backoff: crashes are not looping.
    if (Date.now() - this.bornAt > 60_000) this.backoffMs = RELOAD_BACKOFF_BASE_MS;
    this.deps.onFailure?.(this);
  }

  /**
   * The VM for a new stream. A failed VM is returned as is (the stream applies the failure
   * policy) unless fail_reload may replace it now.
   */
  vm(): WasmVm {
    if (!this.current.failed || this.failurePolicy !== 'fail_reload' || this.closed) return this.current;
    const now = Date.now();
    if (now < this.nextReloadAt) return this.current;
    this.nextReloadAt = now + this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, RELOAD_BACKOFF_MAX_MS);
    try {
      this.current = this.spawn();
      this.metrics.reload();
      this.log.warn(`wasm filter ${this.info.name}: VM reloaded after failure`);
    } catch (err) {
      this.metrics.failure('trap', 'reload');
      this.log.error(`wasm filter ${this.info.name}: reload failed: ${(err as Error).message}`);
    }
    return this.current;
  }

  /**
   * The same filter with another plugin configuration (a per-route override): its own VM and
   * root context, sharing the compiled module, metrics and shared data. Throws like load().
   */
  withConfiguration(configuration: string | Record<string, unknown>): WasmPlugin {
    return new WasmPlugin(this.compiled, this.info.name, { ...this.cfg, configuration }, this.deps, this.services, this.log);
  }

  /** Stream contexts alive on the VM serving new streams (admin view; no side effects). */
  streamContexts(): number {
    let n = 0;
    for (const c of this.current.env.contexts.values()) if (c.kind === 'stream') n++;
    return n;
  }

  /** Logs an error about this filter (scoped logger). */
  logError(msg: string): void {
    this.log.error(`wasm filter ${this.info.name}: ${msg}`);
  }

  /** Shuts the current VM's root context down (on_done / on_delete). */
  close(): void {
    this.closed = true;
    this.current.shutdown();
  }
}
