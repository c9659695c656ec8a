/**
 * Builds a chain's network filters from config: each wasm file read and compiled once, a
 * plugin (VM, root context, vm_start, configure) per filter. Throws
 * `network_filters[<i>] (<name>): <reason>` after shutting down what had started. When a
 * module file changes (host/reload/module-followers.ts), new connections get the new version's
 * factory while open connections finish on the old one, which shuts down after their end (at
 * most `drainMs`).
 */
import type { Registry } from 'prom-client';
import type { NetworkFilterConfig } from '../config/types.js';
import type { NetworkFilterFactory } from '../network/contract.js';
import type { Logger } from '../observability/contract.js';
import { loadFilterList } from '../reload/filter-list.js';
import type { FollowedModule } from '../reload/module-followers.js';
import type { ClusterManager } from '../upstream/contract.js';
import { WasmNetworkFilterFactory } from './network-filter.js';
import { SharedStore } from './shared-store.js';

/** What building network filters needs from the gateway. */
export interface NetworkBuildDeps {
  baseDir: string;
  listenerName: string;
  clusters: ClusterManager;
  log: Logger;
  registry: Registry;
  shared?: SharedStore;
  /** Follow the module files (hot reload); absent: a file change is ignored. */
  follow?: (m: FollowedModule) => () => void;
  /** Longest a replaced version waits for its connections (the listener's drain_timeout). */
  drainMs?: number;
}

/**
 * Appends the factories for `filters`, in order, to `into`, which connections read at their
 * start; a module swap replaces entries in place. Returns the function that shuts them all down.
 */
export async function buildNetworkFilters(filters: readonly NetworkFilterConfig[], deps: NetworkBuildDeps,
  into: NetworkFilterFactory[]): Promise<() => void> {
  const at = into.length;
  const retiring = new Set<WasmNetworkFilterFactory>();
  const drainMs = deps.drainMs ?? 30_000;
  const loaded = await loadFilterList(filters, 'network_filters', { ...deps, shared: deps.shared ?? new SharedStore() }, (replaced) => {
    for (const [i, plugin] of replaced) {
      const old = into[at + i] as WasmNetworkFilterFactory;
      into[at + i] = new WasmNetworkFilterFactory(plugin);
      retiring.add(old);
      void old.retire(drainMs).then(() => retiring.delete(old));
    }
  });
  into.push(...loaded.plugins.map((p) => new WasmNetworkFilterFactory(p)));
  return () => {
    loaded.close();
    for (const f of into.slice(at, at + filters.length)) f.close();
    for (const f of retiring) f.close();
  };
}
