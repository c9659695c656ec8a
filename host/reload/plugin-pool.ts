/**
 * Reference-counted plugins (one VM each), so chains built for a reload or a module swap reuse
 * the VMs of filters that did not change. A plugin is keyed by listener, position, filter config
 * and module version; it is shut down (proxy_on_done / proxy_on_delete) when the last chain
 * holding it has closed, i.e. after the last stream on it ended.
 */
import { canonicalJson } from '../config/load.js';
import type { HttpFilterConfig } from '../config/types.js';
import type { PluginDeps } from '../wasm/plugin.js';
import { WasmPlugin } from '../wasm/plugin.js';
import type { ModuleVersion } from './module-version.js';

interface Held {
  readonly key: string;
  readonly plugin: WasmPlugin;
  readonly version: ModuleVersion;
  refs: number;
}

/** Live plugins of one filter name, as GET /filters counts them. */
export interface PluginCounts {
  vms: number;
  activeContexts: number;
  /** VMs per module sha256 (old versions show here until their last stream ends). */
  byVersion: Record<string, number>;
}

export class PluginPool {
  private readonly byKey = new Map<string, Held>();
  private readonly byPlugin = new Map<WasmPlugin, Held>();

  /**
   * The plugin for filter `cfg` at `index` of `listener` on `version`: the live one when it
   * exists (one more reference), else a new one (vm_start + configure run now; throws with the
   * reason when either fails, leaving nothing behind).
   */
  acquire(listener: string, index: number, cfg: HttpFilterConfig, version: ModuleVersion, deps: PluginDeps): WasmPlugin {
    const key = `${listener}\0${index}\0${canonicalJson(cfg)}\0${version.serial}`;
    const held = this.byKey.get(key);
    if (held !== undefined) {
      held.refs++;
      return held.plugin;
    }
    const plugin = WasmPlugin.load(version.compiled, cfg.name, cfg.wasm, { ...deps, listenerName: listener });
    const h: Held = { key, plugin, version, refs: 1 };
    this.byKey.set(key, h);
    this.byPlugin.set(plugin, h);
    return plugin;
  }

  /** Drops one reference; the last one shuts the plugin's VM down. */
  release(plugin: WasmPlugin): void {
    const h = this.byPlugin.get(plugin);
    if (h === undefined) {
      plugin.close();
      return;
    }
    if (--h.refs > 0) return;
    this.byKey.delete(h.key);
    this.byPlugin.delete(plugin);
    plugin.close();
  }

  /** The module version a live plugin runs. */
  versionOf(plugin: WasmPlugin): ModuleVersion | undefined {
    return this.byPlugin.get(plugin)?.version;
  }

  /** Live VMs and stream contexts of filter `name`. */
  counts(name: string): PluginCounts {
    const out: PluginCounts = { vms: 0, activeContexts: 0, byVersion: {} };
    for (const h of this.byKey.values()) {
      if (h.plugin.info.name !== name) continue;
      out.vms++;
      out.activeContexts += h.plugin.streamContexts();
      out.byVersion[h.version.sha256] = (out.byVersion[h.version.sha256] ?? 0) + 1;
    }
    return out;
  }

  /** Number of live plugins (tests: everything released after a swap). */
  get size(): number {
    return this.byKey.size;
  }
}
