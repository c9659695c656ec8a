/**
 * The filter registry: for each http filter name, the module version serving it, the previous
 * one (for rollback), a canary in progress, and trap counts; plus the plugin pool chains are
 * built from. GET /filters renders it. Config reloads prepare versions (compiling only files
 * that are new or whose path or memory limit changed) and commit them once the swap happened.
 */
import { resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { HttpFilterConfig, SluiceConfig } from '../config/types.js';
import { WasmFilterChain } from '../filter/build.js';
import type { Logger } from '../observability/contract.js';
import type { ClusterManager } from '../upstream/contract.js';
import type { SharedStore } from '../wasm/shared-store.js';
import type { WasmPlugin } from '../wasm/plugin.js';
import { compileFile, describeVersion, VersionCounter, type ModuleVersion } from './module-version.js';
import { PluginPool } from './plugin-pool.js';

const MIB = 1024 * 1024;

/** A canary in progress: `version` takes `percent` of new streams. */
export interface CanaryState {
  version: ModuleVersion;
  percent: number;
  streams: number;
  traps: number;
  /** Trap rate (traps / streams) above which the canary is rolled back on its own. */
  maxTrapRate: number;
  /** An automatic rollback is queued. */
  rollingBack: boolean;
  /** Rolled back because a canary VM failed and is not replaced. */
  dead: boolean;
}

/** Everything known about one filter name. */
export interface FilterSlot {
  readonly name: string;
  /** Absolute module path from the config (watched). */
  file: string;
  memoryLimitBytes: number;
  failurePolicy: string;
  current: ModuleVersion;
  previous: ModuleVersion | undefined;
  canary: CanaryState | undefined;
  /** VM failures of this filter, all versions. */
  traps: number;
}

/** Versions chosen for a config, by filter name, not yet committed. */
export type PreparedModules = Map<string, { file: string; memoryLimitBytes: number; failurePolicy: string; version: ModuleVersion }>;

export interface FilterRegistryDeps {
  log: Logger;
  registry: Registry;
  /** One store per process: shared data survives swaps and reloads (same vm_id). */
  shared: SharedStore;
  /** Always the current cluster manager (http_call targets follow reloads). */
  clusters: ClusterManager;
}

export class FilterRegistry {
  readonly slots = new Map<string, FilterSlot>();
  readonly pool = new PluginPool();
  readonly serials = new VersionCounter();
  /** Chains built here and not yet released: their per-route configuration VMs count in GET /filters. */
  private readonly chains = new Set<WasmFilterChain>();
  /**
   * Set by the rollout: a canary plugin failed (auto rollback check). `vmDead`: the failed VM is
   * not replaced (fail_closed / fail_open), so every later canary stream on it fails unseen.
   */
  onCanaryTrap: ((slot: FilterSlot, vmDead: boolean) => void) | undefined;

  constructor(private readonly deps: FilterRegistryDeps) {}

  /**
   * The version each filter of `config` will run: the slot's current one when its file and
   * memory limit did not change, else the file compiled now. Throws
   * `listeners[i].http_filters[j] (<name>): <reason>` on the first failure.
   */
  async prepare(config: SluiceConfig, baseDir: string): Promise<PreparedModules> {
    const out: PreparedModules = new Map();
    for (const [i, l] of config.listeners.entries()) {
      for (const [j, f] of (l.http_filters ?? []).entries()) {
        const file = resolve(baseDir, f.wasm.file);
        const memoryLimitBytes = (f.wasm.memory_limit_mb ?? 64) * MIB;
        const failurePolicy = f.wasm.failure_policy ?? 'fail_closed';
        if (out.has(f.name)) continue;
        const slot = this.slots.get(f.name);
        if (slot !== undefined && slot.file === file && slot.memoryLimitBytes === memoryLimitBytes) {
          out.set(f.name, { file, memoryLimitBytes, failurePolicy, version: slot.current });
          continue;
        }
        try {
          out.set(f.name, { file, memoryLimitBytes, failurePolicy, version: await compileFile(file, memoryLimitBytes, this.serials) });
        } catch (err) {
          throw new Error(`listeners[${i}].http_filters[${j}] (${f.name}): ${(err as Error).message}`);
        }
      }
    }
    return out;
  }

  /** Makes `prepared` the registry's state (after the swap): slots added, replaced, removed. */
  commit(prepared: PreparedModules): void {
    for (const [name, p] of prepared) {
      const slot = this.slots.get(name);
      if (slot !== undefined && slot.current === p.version) {
        slot.failurePolicy = p.failurePolicy;
        slot.canary = undefined;
        continue;
      }
      this.slots.set(name, {
        name, file: p.file, memoryLimitBytes: p.memoryLimitBytes, failurePolicy: p.failurePolicy, current: p.version,
        previous: slot?.current, canary: undefined, traps: slot?.traps ?? 0,
      });
    }
    for (const name of [...this.slots.keys()]) if (!prepared.has(name)) this.slots.delete(name);
  }

  /**
   * A chain for `filters` of listener `listener`, each filter on `versionOf(name)`, reusing live
   * VMs. Throws `http_filters[<i>] (<name>): <reason>` after releasing what it acquired.
   * `drainMs` (the listener's drain_timeout) bounds how long the chain's close waits for streams.
   */
  buildChain(listener: string, filters: readonly HttpFilterConfig[], bufferLimitBytes: number,
    versionOf: (name: string) => ModuleVersion | undefined, drainMs?: number): WasmFilterChain {
    const plugins: WasmPlugin[] = [];
    try {
      for (const [i, f] of filters.entries()) {
        const version = versionOf(f.name);
        try {
          if (version === undefined) throw new Error('no module loaded');
          plugins.push(this.pool.acquire(listener, i, f, version, {
            log: this.deps.log, registry: this.deps.registry, shared: this.deps.shared, clusters: this.deps.clusters,
            onFailure: (p) => this.noteTrap(f.name, version, p.failurePolicy !== 'fail_reload'),
          }));
        } catch (err) {
          throw new Error(`http_filters[${i}] (${f.name}): ${(err as Error).message}`);
        }
      }
    } catch (err) {
      for (const p of plugins) this.pool.release(p);
      throw err;
    }
    // Forgotten as soon as it releases its VMs: the set must not keep old chains reachable.
    const chain: WasmFilterChain = new WasmFilterChain(plugins, bufferLimitBytes, (p) => {
      this.chains.delete(chain);
      this.pool.release(p);
    }, drainMs);
    this.chains.add(chain);
    return chain;
  }

  private noteTrap(name: string, version: ModuleVersion, vmDead: boolean): void {
    const slot = this.slots.get(name);
    if (slot === undefined) return;
    slot.traps++;
    if (slot.canary !== undefined && slot.canary.version === version) {
      slot.canary.traps++;
      this.onCanaryTrap?.(slot, vmDead);
    }
  }

  /** Live VMs of per-route configurations of filter `name`, over every chain not released. */
  private overrideVms(name: string): number {
    let n = 0;
    for (const c of this.chains) {
      if (c.isReleased) this.chains.delete(c);
      else n += c.overrideVms(name);
    }
    return n;
  }

  /** GET /filters. `vms` includes the VMs of per-route configurations (`route_vms`). */
  describe(): unknown {
    return [...this.slots.values()].map((s) => {
      const counts = this.pool.counts(s.name);
      const routeVms = this.overrideVms(s.name);
      return {
        name: s.name,
        file: s.file,
        module: { ...describeVersion(s.current) },
        sha256: s.current.sha256,
        abi_version: s.current.compiled.shape.abi,
        loaded_at: s.current.loadedAt.toISOString(),
        vms: counts.vms + routeVms,
        route_vms: routeVms,
        vms_by_module: counts.byVersion,
        active_contexts: counts.activeContexts,
        traps: s.traps,
        failure_policy: s.failurePolicy,
        previous: s.previous ? describeVersion(s.previous) : null,
        canary: s.canary
          ? { ...describeVersion(s.canary.version), percent: s.canary.percent, streams: s.canary.streams, traps: s.canary.traps }
          : null,
      };
    });
  }
}
