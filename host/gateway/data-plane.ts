/**
 * The running data plane's state, as the reload coordinator and the filter rollout change it:
 * the active config, its cluster manager and generation, and each listener with the filter chain
 * in its snapshot. Long-lived parts (metrics, the shared data store, the filter registry) are
 * created once and kept across every reload.
 */
import type { Registry } from 'prom-client';
import type { LoadedConfig } from '../config/load.js';
import type { ListenerConfig } from '../config/types.js';
import type { HttpFilterChain } from '../filter/contract.js';
import type { ListenerSnapshot } from '../http/context.js';
import type { RunningListener } from './running-listener.js';
import type { ResolvedLimits } from '../listener/limits.js';
import type { GatewayMetrics, Logger } from '../observability/contract.js';
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
  readonly shared = new SharedStore();
  readonly filters: FilterRegistry;
  lastError: ReloadError | undefined;
  /** Old resources still draining (stop waits for them). */
  readonly releasing = new Set<Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly deps: DataPlaneDeps) {
    this.filters = new FilterRegistry({
      log: deps.log, registry: deps.registry, shared: this.shared, clusters: new LiveClusters(this),
    });
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
