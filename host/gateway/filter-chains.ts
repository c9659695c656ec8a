/**
 * Filter chains for listeners that have http_filters. The filter host (wasm VMs and all) is
 * imported only when some listener asks for it, so a gateway without filters never loads it.
 */
import type { Registry } from 'prom-client';
import type { HttpFilterConfig } from '../config/types.js';
import type { HttpFilterChain } from '../filter/contract.js';
import type { Logger } from '../observability/contract.js';
import type { ClusterManager } from '../upstream/contract.js';

/** Dependencies of host/filter/build.ts `buildHttpFilterChain`. */
export interface FilterChainDeps {
  baseDir: string;
  listenerName: string;
  clusters: ClusterManager;
  log: Logger;
  registry: Registry;
  bufferLimitBytes: number;
}

/** Builds the chain for `filters`; undefined (no chain at all) when the list is empty. */
export async function buildFilterChain(
  filters: readonly HttpFilterConfig[] | undefined,
  deps: FilterChainDeps,
): Promise<HttpFilterChain | undefined> {
  if (filters === undefined || filters.length === 0) return undefined;
  const { buildHttpFilterChain } = await import('../filter/build.js');
  return buildHttpFilterChain(filters, deps);
}
