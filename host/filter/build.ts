/**
 * Entry point for the connection manager: builds a listener's HttpFilterChain from its
 * http_filters. Everything that can be done once happens here: each file is read, instrumented
 * and compiled once; each filter gets its VM, root context, vm_start and configure. Any failure
 * throws `http_filters[<i>] (<name>): <reason>`.
 */
import type { Registry } from 'prom-client';
import type { HttpFilterConfig } from '../config/types.js';
import type { StreamInfo } from '../http/stream-info.js';
import type { Logger } from '../observability/contract.js';
import type { Route } from '../router/contract.js';
import type { ClusterManager } from '../upstream/contract.js';
import { loadFilterList } from '../reload/filter-list.js';
import type { FollowedModule } from '../reload/module-followers.js';
import { WasmPlugin } from '../wasm/plugin.js';
import { SharedStore } from '../wasm/shared-store.js';
import type { FilterStream, FilterStreamSink, HttpFilterChain } from './contract.js';
import { FilterManager, type FilterCallbacks, type StreamFilter } from './filter-manager.js';
import { WasmFilterFactory } from './wasm-filter-factory.js';

/** What buildHttpFilterChain needs from the gateway. */
export interface BuildDeps {
  baseDir: string;
  listenerName: string;
  clusters: ClusterManager;
  log: Logger;
  registry: Registry;
  /** per_connection_buffer_limit_bytes of the listener. */
  bufferLimitBytes: number;
  /** Shared data and queues of this worker; a new store when absent (then per chain). */
  shared?: SharedStore;
}

/** A chain over already-loaded plugins (also what in-process tests use). */
export class WasmFilterChain implements HttpFilterChain {
  readonly filterNames: readonly string[];
  private readonly factories: WasmFilterFactory[];
  private live = 0;
  private closing: (() => void) | undefined;
  private closed: Promise<void> | undefined;
  private released = false;
  /** Called once per stream by FilterManager.complete(). */
  private readonly streamDone = (): void => {
    if (--this.live === 0 && this.closing) this.closing();
  };

  /**
   * `release` is called for each plugin when the chain closes (after its streams ended); default
   * `plugin.close()`. Hot reload passes a reference-counted release, as chains share plugins.
   * `drainMs` bounds close()'s wait for streams: hot reload passes the listener's drain_timeout,
   * so a stream its listener would let finish is not cut by its VM shutting down.
   */
  constructor(readonly plugins: readonly WasmPlugin[], private readonly bufferLimitBytes: number,
    private readonly release: (p: WasmPlugin) => void = (p) => p.close(), private readonly drainMs = 30_000) {
    this.filterNames = plugins.map((p) => p.info.name);
    this.factories = plugins.map((p, i) => new WasmFilterFactory(p, i));
  }

  createStream(_info: StreamInfo, sink: FilterStreamSink, route: Route | null): FilterStream {
    const m = new FilterManager(sink, route, this.factories.length, this.bufferLimitBytes, this.streamDone);
    const overrides = route?.filters;
    for (const f of this.factories) {
      const o = overrides?.[f.plugin.info.name];
      if (o === undefined) m.filters.push(f.create(m));
      else if (o.disabled) m.filters.push(PASS_THROUGH);
      else if (o.configuration === undefined) m.filters.push(f.create(m));
      else m.filters.push(f.forConfiguration(o.configuration)?.create(m) ?? failedFilter(f.plugin.failurePolicy, m));
    }
    this.live++;
    return m;
  }

  /**
   * Starts filter `name`'s VM for a per-route `configuration` (kept for the streams of that
   * route); throws why it could not start. A name not in this chain is ignored.
   */
  startOverride(name: string, configuration: string | Record<string, unknown>): void {
    for (const f of this.factories) if (f.plugin.info.name === name) f.startConfiguration(configuration);
  }

  /** Live VMs of per-route configurations of filter `name` (admin counts; 0 once closed). */
  overrideVms(name: string): number {
    if (this.released) return 0;
    let n = 0;
    for (const f of this.factories) if (f.plugin.info.name === name) n += f.overridePlugins().length;
    return n;
  }

  /** True once close() shut the chain's VMs down. */
  get isReleased(): boolean {
    return this.released;
  }

  /** Streams started on this chain that have not completed yet. */
  get activeStreams(): number {
    return this.live;
  }

  /**
   * Waits for in-flight streams (at most `drainMs`: a stream never completed must not hold a
   * shutdown forever), then shuts every root context down.
   */
  close(drainMs = this.drainMs): Promise<void> {
    this.closed ??= this.closeAfterDrain(drainMs);
    return this.closed;
  }

  private async closeAfterDrain(drainMs: number): Promise<void> {
    if (this.live > 0) {
      await new Promise<void>((r) => {
        this.closing = r;
        setTimeout(r, drainMs).unref();
      });
    }
    this.released = true;
    for (const p of this.plugins) this.release(p);
    for (const f of this.factories) for (const p of f.overridePlugins()) p.close();
  }
}

/** Stands in for a filter whose per-route configuration could not start: its failure policy applies. */
function failedFilter(policy: string, cb: FilterCallbacks): StreamFilter {
  if (policy === 'fail_open') return PASS_THROUGH;
  return {
    ...PASS_THROUGH,
    requestHeaders: () => {
      cb.failStream();
      return 1;
    },
  };
}

/** A filter disabled on the route: sees nothing, holds nothing. */
const PASS_THROUGH: StreamFilter = {
  wantsRequestBody: false, wantsRequestTrailers: false, wantsResponseBody: false, wantsResponseTrailers: false,
  rewritesRequestBody: false, rewritesResponseBody: false,
  requestHeaders: () => 0, requestBody: () => 0, requestTrailers: () => 0,
  responseHeaders: () => 0, responseBody: () => 0, responseTrailers: () => 0, complete: () => {},
};

/**
 * Builds the chain for a listener's http_filters: each file read and compiled once, a VM and
 * root context per filter. Throws `http_filters[<i>] (<name>): <reason>` on any failure, after
 * shutting down what had started.
 */
export async function buildHttpFilterChain(filters: readonly HttpFilterConfig[], deps: BuildDeps): Promise<HttpFilterChain> {
  const { plugins } = await loadFilterList(filters, 'http_filters', { ...deps, shared: deps.shared ?? new SharedStore() }, () => {});
  return new WasmFilterChain(plugins, deps.bufferLimitBytes);
}

/** A chain following its module files: `current` is the chain new streams start on. */
export interface FollowedHttpChain {
  readonly current: WasmFilterChain;
  /** Stops following and closes the current chain (after its streams; replaced ones close on their own). */
  close(): Promise<void>;
}

/**
 * Builds the chain for a filter chain's own http_filters (errors as buildHttpFilterChain) and
 * follows their module files: a new version gives a new chain (`onSwap`, new streams) sharing
 * the VMs of the filters that did not change; the old chain closes after its last stream (at
 * most `drainMs`), shutting down only the VMs no chain uses any more.
 */
export async function buildFollowedHttpChain(filters: readonly HttpFilterConfig[],
  deps: BuildDeps & { follow?: (m: FollowedModule) => () => void; drainMs?: number },
  onSwap: (chain: WasmFilterChain) => void): Promise<FollowedHttpChain> {
  const refs = new Map<WasmPlugin, number>();
  const release = (p: WasmPlugin): void => {
    const n = (refs.get(p) ?? 1) - 1;
    if (n > 0) refs.set(p, n);
    else {
      refs.delete(p);
      p.close();
    }
  };
  const chainOf = (plugins: WasmPlugin[]): WasmFilterChain => {
    for (const p of plugins) refs.set(p, (refs.get(p) ?? 0) + 1);
    return new WasmFilterChain(plugins, deps.bufferLimitBytes, release, deps.drainMs);
  };
  let current: WasmFilterChain | undefined;
  const loaded = await loadFilterList(filters, 'http_filters', { ...deps, shared: deps.shared ?? new SharedStore() }, (replaced) => {
    const old = current!;
    current = chainOf(old.plugins.map((p, i) => replaced.get(i) ?? p));
    onSwap(current);
    void old.close();
  });
  current = chainOf(loaded.plugins);
  return {
    get current() {
      return current!;
    },
    close: () => {
      loaded.close();
      return current!.close();
    },
  };
}
