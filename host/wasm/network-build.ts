/**
 * Builds a chain's network filters from config: each wasm file read and compiled once, a
 * plugin (VM, root context, vm_start, configure) per filter. Throws
 * `network_filters[<i>] (<name>): <reason>` after shutting down what had started.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { NetworkFilterConfig } from '../config/types.js';
import type { NetworkFilterFactory } from '../network/contract.js';
import type { Logger } from '../observability/contract.js';
import type { ClusterManager } from '../upstream/contract.js';
import { WasmNetworkFilterFactory } from './network-filter.js';
import { compileModule, WasmPlugin } from './plugin.js';
import { SharedStore } from './shared-store.js';
import type { CompiledModule } from './vm.js';

/** What building network filters needs from the gateway. */
export interface NetworkBuildDeps {
  baseDir: string;
  listenerName: string;
  clusters: ClusterManager;
  log: Logger;
  registry: Registry;
  shared?: SharedStore;
}

/** Factories for `filters`, in order. */
export async function buildNetworkFilters(filters: readonly NetworkFilterConfig[], deps: NetworkBuildDeps): Promise<NetworkFilterFactory[]> {
  const compiled = new Map<string, Promise<CompiledModule>>();
  const shared = deps.shared ?? new SharedStore();
  const out: WasmNetworkFilterFactory[] = [];
  try {
    for (let i = 0; i < filters.length; i++) {
      const cfg = filters[i]!;
      try {
        const file = resolve(deps.baseDir, cfg.wasm.file);
        const limit = (cfg.wasm.memory_limit_mb ?? 64) * 1024 * 1024;
        const key = `${file}\0${limit}`;
        let mod = compiled.get(key);
        if (!mod) {
          mod = readFile(file).then((bytes) => compileModule(bytes, limit));
          compiled.set(key, mod);
        }
        const plugin = WasmPlugin.load(await mod, cfg.name, cfg.wasm, {
          log: deps.log, registry: deps.registry, shared, clusters: deps.clusters, listenerName: deps.listenerName,
        });
        out.push(new WasmNetworkFilterFactory(plugin));
      } catch (err) {
        throw new Error(`network_filters[${i}] (${cfg.name}): ${(err as Error).message}`);
      }
    }
  } catch (err) {
    for (const f of out) f.close();
    throw err;
  }
  return out;
}
