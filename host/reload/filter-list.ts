/**
 * Loads a list of wasm filters a listener builds itself (a chain's own http_filters,
 * network_filters): each file read and compiled once per memory limit, then a plugin (VM, root
 * context, vm_start, configure) per filter. With `follow`, each file is registered with the
 * module followers: a new version of it is started for the filters that use it and handed to
 * `onSwap`, which puts the new plugins in place and retires the old ones when their users end.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { WasmFilterConfig } from '../config/types.js';
import { compileModule, WasmPlugin, type PluginDeps } from '../wasm/plugin.js';
import type { CompiledModule } from '../wasm/vm.js';
import type { FollowedModule, StagedModule } from './module-followers.js';
import { sha256 } from './module-version.js';

const MIB = 1024 * 1024;

export interface FilterListDeps extends PluginDeps {
  baseDir: string;
  /** Registers a followed file; returns the function that forgets it. Absent: files are not followed. */
  follow?: (m: FollowedModule) => () => void;
}

/** The plugins of a loaded list, by index; `close` stops following (the owner closes the plugins). */
export interface LoadedFilterList {
  readonly plugins: WasmPlugin[];
  close(): void;
}

interface FileGroup {
  file: string;
  memoryLimitBytes: number;
  sha256: string;
  compiled: Promise<CompiledModule>;
  indices: number[];
}

/**
 * Loads `filters`; `list` names the config key in errors: throws `<list>[<i>] (<name>): <reason>`
 * after shutting down what had started. `onSwap(replaced)` gets the new plugin of each index
 * whose file changed; it runs synchronously, never after `close`.
 */
export async function loadFilterList(filters: readonly { name: string; wasm: WasmFilterConfig }[], list: string,
  deps: FilterListDeps, onSwap: (replaced: ReadonlyMap<number, WasmPlugin>) => void): Promise<LoadedFilterList> {
  const groups = new Map<string, FileGroup>();
  const plugins: WasmPlugin[] = [];
  try {
    for (const [i, cfg] of filters.entries()) {
      try {
        const file = resolve(deps.baseDir, cfg.wasm.file);
        const memoryLimitBytes = (cfg.wasm.memory_limit_mb ?? 64) * MIB;
        const key = `${file}\0${memoryLimitBytes}`;
        let g = groups.get(key);
        if (g === undefined) {
          const bytes = await readFile(file);
          g = { file, memoryLimitBytes, sha256: sha256(bytes), compiled: compileModule(bytes, memoryLimitBytes), indices: [] };
          groups.set(key, g);
        }
        g.indices.push(i);
        plugins.push(WasmPlugin.load(await g.compiled, cfg.name, cfg.wasm, deps));
      } catch (err) {
        throw new Error(`${list}[${i}] (${cfg.name}): ${(err as Error).message}`);
      }
    }
  } catch (err) {
    for (const p of plugins) p.close();
    throw err;
  }
  let closed = false;
  const unfollow = deps.follow === undefined ? [] : [...groups.values()].map((g) => deps.follow!({
    filters: g.indices.map((i) => filters[i]!.name),
    file: g.file,
    memoryLimitBytes: g.memoryLimitBytes,
    sha256: g.sha256,
    stage: (compiled) => stage(compiled, g.indices, filters, list, deps, (next) => {
      if (closed) next.forEach((p) => p.close());
      else onSwap(next);
    }),
  }));
  return {
    plugins,
    close: () => {
      closed = true;
      unfollow.forEach((f) => f());
    },
  };
}

/** New plugins of `compiled` for `indices`; throws `<list>[<i>] (<name>): <reason>` leaving none behind. */
function stage(compiled: CompiledModule, indices: readonly number[], filters: readonly { name: string; wasm: WasmFilterConfig }[],
  list: string, deps: PluginDeps, commit: (next: Map<number, WasmPlugin>) => void): StagedModule {
  const next = new Map<number, WasmPlugin>();
  for (const i of indices) {
    const cfg = filters[i]!;
    try {
      next.set(i, WasmPlugin.load(compiled, cfg.name, cfg.wasm, deps));
    } catch (err) {
      next.forEach((p) => p.close());
      throw new Error(`${list}[${i}] (${cfg.name}): ${(err as Error).message}`);
    }
  }
  return { commit: () => commit(next), abort: () => next.forEach((p) => p.close()) };
}
