/**
 * Loads a list of configured wasm filters (http_filters or network_filters) as plugins: each
 * file read and compiled once per (file, memory limit), then a VM and root context per filter.
 * Throws `<list>[<i>] (<name>): <reason>` after shutting down what had started.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Registry } from 'prom-client';
import type { WasmFilterConfig } from '../config/types.js';
import type { Logger } from '../observability/contract.js';
import type { ClusterManager } from '../upstream/contract.js';
import { compileModule, WasmPlugin } from './plugin.js';
import type { SharedStore } from './shared-store.js';
import type { CompiledModule } from './vm.js';

/** What loading filters needs from the gateway. */
export interface LoadPluginsDeps {
  baseDir: string;
  listenerName: string;
  clusters: ClusterManager;
  log: Logger;
  registry: Registry;
  shared: SharedStore;
}

/** `list` names the config key in error messages: "http_filters" or "network_filters". */
export async function loadPlugins(filters: readonly { name: string; wasm: WasmFilterConfig }[], list: string,
  deps: LoadPluginsDeps): Promise<WasmPlugin[]> {
  const compiled = new Map<string, Promise<CompiledModule>>();
  const plugins: WasmPlugin[] = [];
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
        plugins.push(WasmPlugin.load(await mod, cfg.name, cfg.wasm, {
          log: deps.log, registry: deps.registry, shared: deps.shared, clusters: deps.clusters, listenerName: deps.listenerName,
        }));
      } catch (err) {
        throw new Error(`${list}[${i}] (${cfg.name}): ${(err as Error).message}`);
      }
    }
  } catch (err) {
    for (const p of plugins) p.close();
    throw err;
  }
  return plugins;
}
