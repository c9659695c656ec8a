/**
 * What a VM's host functions may reach outside the VM, passed in when the plugin is built
 * (never imported singletons): clusters for http_call, the per-worker shared store, the filter's
 * metrics, and the clock.
 */
import type { ClusterManager } from '../upstream/contract.js';
import type { ForeignFunctions } from './foreign-functions.js';
import type { FilterMetrics } from './metrics.js';
import type { SharedStore } from './shared-store.js';

/** Host-side services of one plugin's VMs. */
export interface HostServices {
  /** For proxy_http_call; undefined → every call fails with BadArgument (unknown upstream). */
  readonly clusters: ClusterManager | undefined;
  readonly shared: SharedStore;
  readonly metrics: FilterMetrics;
  /** proxy_call_foreign_function targets (Sluice built-ins such as sluice.crypto.verify). */
  readonly foreign: ForeignFunctions;
  /** Wall clock, ns since epoch (proxy_get_current_time_nanoseconds, WASI realtime). */
  nowNs(): bigint;
}

/** Default wall clock. */
export function systemNowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}
