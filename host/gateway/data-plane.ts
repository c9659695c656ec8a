/**
 * The running data plane's state, as the reload coordinator and the filter rollout change it:
 * the active config, its cluster manager and generation, and each listener with the filter chain
 * in its snapshot. Long-lived parts (metrics, the shared data store, the filter registry) are
 * created once and kept across every reload.
 */
import cluster from 'node:cluster';
import type { Registry } from 'prom-client';
import type { LoadedConfig } from '../config/load.js';
import type { ListenerConfig } from '../config/types.js';
import type { HttpFilterChain } from '../filter/contract.js';
import type { ListenerSnapshot } from '../http/context.js';
import type { RunningListener } from './running-listener.js';
import type { ResolvedLimits } from '../listener/limits.js';
import type { GatewayMetrics, Logger } from '../observability/contract.js';
import { registerUpstreamConnectionsGauge } from '../observability/metrics.js';
import { FilterRegistry } from '../reload/filter-registry.js';
import { GenerationIndex, type Generation } from '../reload/generation.js';
import type { Cluster, ClusterManager } from '../upstream/contract.js';
import { SharedStore } from '../wasm/shared-store.js';

/** One running listener. */
export interface ListenerEntry {
  cfg: ListenerConfig;
  listener: RunningListener;
  /** The chain in the listener's current snapshot (undefined without http_filters). */
  chain: HttpFilterChain | undefined;
  /** Identifies what the chain was built from (filters config, buffer limit, module versions). */
  chainKey: string;
}

/** The last reload that failed, for GET /config_dump. */
export interface ReloadError {
  at: Date;
  errors: string[];
}

/**
 * A ClusterManager that always answers from the plane's current one: filters keep working
 * (http_call) across reloads without being rebuilt. Closing it does nothing.
 */
class LiveClusters implements ClusterManager {
  constructor(private readonly plane: DataPlane) {}

  get(name: string): Cluster | undefined {
    return this.plane.clusters?.get(name);
  }

  all(): readonly Cluster[] {
    return this.plane.clusters?.all() ?? [];
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export interface DataPlaneDeps {
  log: Logger;
  registry: Registry;
  metrics: GatewayMetrics;
  random: () => number;
  /** Constructs (does not bind) the listener for `cfg` (lives in gateway.ts, with the listener wiring). */
  createListener(cfg: ListenerConfig, snapshot: ListenerSnapshot, limits: ResolvedLimits, log: Logger): RunningListener;
}

export class DataPlane {
  loaded: LoadedConfig | undefined;
  clusters: ClusterManager | undefined;
  generation: Generation | undefined;
  readonly listeners = new Map<string, ListenerEntry>();
  readonly generations = new GenerationIndex();
  readonly shared: SharedStore;
  readonly filters: FilterRegistry;
  lastError: ReloadError | undefined;
  /** Old resources still draining (stop waits for them). */
  readonly releasing = new Set<Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly deps: DataPlaneDeps) {
    this.shared = new SharedStore(perWorkerWarning(deps.log));
    this.filters = new FilterRegistry({
      log: deps.log, registry: deps.registry, shared: this.shared, clusters: new LiveClusters(this),
    });
    // Read at scrape time from whatever cluster manager is current, so reloads need no re-wiring.
    registerUpstreamConnectionsGauge(deps.registry, () => upstreamConnections(this.clusters));
  }

  /** Runs `fn` after every change queued before it: reloads and module swaps never interleave. */
  serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Tracks a release in the background (logged if it fails, awaited by stop). */
  background(p: Promise<void>): void {
    const tracked = p.catch((err: unknown) => this.deps.log.warn('error while releasing old resources', { error: String(err) }))
      .finally(() => this.releasing.delete(tracked));
    this.releasing.add(tracked);
  }
}

type PoolStats = { stats?: { connected?: number } };

/** Open connections per cluster, summed over its endpoints' pools. */
function upstreamConnections(clusters: ClusterManager | undefined): { cluster: string; connected: number }[] {
  const out: { cluster: string; connected: number }[] = [];
  for (const c of clusters?.all() ?? []) {
    let connected = 0;
    for (const ep of c.endpoints()) connected += (ep.dispatcher as unknown as PoolStats).stats?.connected ?? 0;
    out.push({ cluster: c.name, connected });
  }
  return out;
}

/**
 * With several worker processes each has its own shared data (Envoy's workers are threads of one
 * process and share it): say so once, from the first worker, when a filter starts using it.
 */
function perWorkerWarning(log: Logger): ((vmId: string) => void) | undefined {
  if (!cluster.isWorker || cluster.worker?.id !== 1) return undefined;
  return (vmId) => log.warn('proxy-wasm shared data and queues are per worker process: counts kept there '
    + '(e.g. local-ratelimit buckets) apply per worker; run with workers: 1 for one gateway-wide store',
  { vm_id: vmId });
}
