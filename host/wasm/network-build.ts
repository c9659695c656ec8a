/**
 * Builds a chain's network filters from config: each wasm file read and compiled once, a
 * plugin (VM, root context, vm_start, configure) per filter. Throws
 * `network_filters[<i>] (<name>): <reason>` after shutting down what had started.
 */
import type { Registry } from 'prom-client';
import type { NetworkFilterConfig } from '../config/types.js';
import type { NetworkFilterFactory } from '../network/contract.js';
import type { Logger } from '../observability/contract.js';
import type { ClusterManager } from '../upstream/contract.js';
import { WasmNetworkFilterFactory } from './network-filter.js';
import { loadPlugins } from './load-plugins.js';
import { SharedStore } from './shared-store.js';

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
  const plugins = await loadPlugins(filters, 'network_filters', { ...deps, shared: deps.shared ?? new SharedStore() });
  return plugins.map((p) => new WasmNetworkFilterFactory(p));
}
