/**
 * Builds a Listener from its config: every filter chain (the listener-level one and
 * `filter_chains`) with its TLS contexts and terminal (an HTTP chain or tcp_proxy). What needs
 * I/O beyond reading certificate files (wasm network filters, a chain's own http_filters) is
 * built by `prepare`, which the listener runs before it binds. The listener-level HTTP chain
 * serves the snapshot hot reload gives it; a chain with its own route_config derives its
 * snapshot from that one (same generation, clusters, access log) with its own router and filters.
 * Those wasm modules follow their files through `env.follow` (hot reload swaps them in place).
 */
import type { Registry } from 'prom-client';
import { durationMs } from '../config/duration.js';
import type { FilterChainConfig, ListenerConfig, RouteConfig } from '../config/types.js';
import type { HttpFilterChain } from '../filter/contract.js';
import type { ListenerSnapshot } from '../http/context.js';
import { connectionTls } from '../http/stream-lifecycle.js';
import type { NetworkFilterFactory } from '../network/contract.js';
import type { NetworkMetrics } from '../network/tcp-metrics.js';
import { TcpProxyFactory } from '../network/tcp-proxy.js';
import type { Logger } from '../observability/contract.js';
import type { FollowedModule } from '../reload/module-followers.js';
import { buildRouter } from '../router/build.js';
import type { Router } from '../router/contract.js';
import type { ClusterManager } from '../upstream/contract.js';
import { ServerTls } from '../tls/server-tls.js';
import type { SharedStore } from '../wasm/shared-store.js';
import type { FilterChain } from './filter-chain.js';
import { HttpListener } from './http-listener.js';
import type { ResolvedLimits } from './limits.js';
import { Listener } from './listener.js';

/** ALPN a TLS-terminating HTTP chain offers unless its `alpn` says otherwise. */
const HTTP_ALPN = ['h2', 'http/1.1'];

/** What building a listener needs besides its config and snapshot. */
export interface ListenerEnv {
  /** Directory relative files (certificates, wasm) resolve against. */
  baseDir(): string;
  /** Route config `name` of the config being applied. */
  routeConfig(name: string): RouteConfig | undefined;
  registry: Registry;
  networkMetrics: NetworkMetrics;
  /**
   * Registers a module file the listener runs outside the filter registry (a chain's own
   * http_filters, network_filters), so a new version of it is loaded (host/reload/module-followers.ts).
   */
  follow?: (m: FollowedModule) => () => void;
  /** The worker's shared data and queues: wasm filters a listener builds share them per vm_id with the rest. */
  shared?: SharedStore;
}

/** A chain HTTP terminal whose snapshot derives from the listener's (own router and filters). */
interface DerivedHttp {
  http: HttpListener;
  name: string;
  /** The route config `router` was built from (a reload that changes it rebuilds the router). */
  rc: RouteConfig;
  router: Router;
  filters: HttpFilterChain | undefined;
}

/** Builds (does not bind) the listener for `l`; throws `listeners[<name>]...: reason`. */
export function createConnectionListener(l: ListenerConfig, snapshot: ListenerSnapshot, limits: ResolvedLimits, log: Logger,
  env: ListenerEnv): Listener {
  const at = `listeners[${l.name}]`;
  const closers: (() => void)[] = [];
  const pending: (() => Promise<void>)[] = [];
  const derived: DerivedHttp[] = [];
  const baseDir = env.baseDir();
  const derive = (d: DerivedHttp, s: ListenerSnapshot): ListenerSnapshot => ({ ...s, router: d.router, filterChain: d.filters });
  // What outlives a reload on a kept listener (tcp_proxy, wasm http_call of network filters and
  // chain http_filters) reads clusters through this view of the current snapshot, never the
  // cluster objects of the config it was built with.
  let current = snapshot;
  const clusters = currentClusters(() => current.clusters);

  const chainOf = (c: FilterChainConfig, name: string, path: string, isDefault: boolean): FilterChain => {
    let tls: ServerTls | undefined;
    if (c.tls) {
      try {
        tls = new ServerTls(c.tls, baseDir, c.tcp_proxy === undefined ? HTTP_ALPN : undefined, log);
      } catch (err) {
        throw new Error(`${path}.tls: ${(err as Error).message}`);
      }
      tls.watch();
      const t = tls;
      closers.push(() => t.close());
    }
    const networkFilters: NetworkFilterFactory[] = [];
    if ((c.network_filters?.length ?? 0) > 0) {
      pending.push(async () => {
        const { buildNetworkFilters } = await import('../wasm/network-build.js');
        const close = await buildNetworkFilters(c.network_filters!, {
          baseDir, listenerName: l.name, clusters, log, registry: env.registry, shared: env.shared, follow: env.follow,
          drainMs: limits.drainTimeoutMs,
        }, networkFilters).catch((err: unknown) => {
          throw new Error(`${path}.${(err as Error).message}`);
        });
        closers.push(close);
      });
    }
    const hasNetworkFilters = (c.network_filters?.length ?? 0) > 0;
    const base = { name, match: c.match, tls, networkFilters, hasNetworkFilters, handshakeTimeoutMs: durationMs(c.tls?.handshake_timeout, 10_000) };
    if (c.tcp_proxy !== undefined) {
      const cluster = snapshot.clusters.get(c.tcp_proxy.cluster);
      if (cluster === undefined) throw new Error(`${path}.tcp_proxy.cluster: unknown cluster '${c.tcp_proxy.cluster}'`);
      return { ...base, http: undefined, tcp: new TcpProxyFactory(clusters, c.tcp_proxy, env.networkMetrics.tcpProxy(l.name, cluster.name)) };
    }
    const opts = { scheme: tls ? 'https' as const : 'http' as const, forwardClientCert: c.tls?.forward_client_cert, tlsOf: connectionTls,
      codecConfig: l, normalizePath: l.normalize_path !== false };
    if (isDefault) return { ...base, http: new HttpListener(l.name, snapshot, limits, log, opts), tcp: undefined };
    const rc = env.routeConfig(c.route_config!);
    if (rc === undefined) throw new Error(`${path}.route_config: no route config named "${c.route_config}"`);
    const d: DerivedHttp = { http: undefined!, name: rc.name, rc, router: buildRouter(rc), filters: undefined };
    d.http = new HttpListener(l.name, derive(d, snapshot), limits, log, opts);
    derived.push(d);
    if ((c.http_filters?.length ?? 0) > 0) {
      pending.push(async () => {
        const { buildFollowedHttpChain } = await import('../filter/build.js');
        // A new module version: new streams start on the new chain, in-flight ones end on theirs.
        const followed = await buildFollowedHttpChain(c.http_filters!, {
          baseDir, listenerName: l.name, clusters, log, registry: env.registry, shared: env.shared,
          bufferLimitBytes: limits.bufferLimitBytes, follow: env.follow, drainMs: limits.drainTimeoutMs,
        }, (chain) => {
          d.filters = chain;
          d.http.snapshot = derive(d, d.http.snapshot);
        }).catch((err: unknown) => {
          throw new Error(`${path}.${(err as Error).message}`);
        });
        d.filters = followed.current;
        d.http.snapshot = derive(d, d.http.snapshot);
        closers.push(() => void followed.close());
      });
    }
    return { ...base, http: d.http, tcp: undefined };
  };

  try {
    const chains = (l.filter_chains ?? []).map((c, k) => chainOf(c, c.name ?? `chain${k}`, `${at}.filter_chains[${k}]`, false));
    const hasDefault = l.route_config !== undefined || l.tcp_proxy !== undefined;
    const defaultChain = hasDefault ? chainOf(l, 'default', at, true) : undefined;
    const tlsFailures = env.networkMetrics.tlsFailure(l.name);
    const listener = new Listener(l.name, {
      chains,
      defaultChain,
      inspectorTimeoutMs: durationMs(l.inspector_timeout, 10_000),
      metrics: snapshot.metrics,
      tlsFailed: () => tlsFailures.inc(),
      prepare: async () => {
        for (const p of pending) await p();
      },
      deriveSnapshots: (s) => {
        current = s;
        for (const d of derived) {
          // A reload swaps snapshots with the applied config's route configs in place: follow
          // a chain's route config when it changed (it was validated and built once already).
          const rc = env.routeConfig(d.name);
          if (rc !== undefined && rc !== d.rc) {
            d.rc = rc;
            d.router = buildRouter(rc);
          }
          d.http.snapshot = derive(d, s);
        }
      },
      close: () => closers.forEach((c) => c()),
    }, limits, log, snapshot);
    // The closures above share this scope: holding the build-time snapshot here would keep the
    // first config (its filter VMs, cluster pools) alive for the listener's whole life.
    snapshot = undefined!;
    return listener;
  } catch (err) {
    closers.forEach((c) => c());
    throw err;
  }
}

/** A ClusterManager that forwards to whatever `of()` returns now; it owns nothing, so close is a no-op. */
function currentClusters(of: () => ClusterManager): ClusterManager {
  return {
    get: (name) => of().get(name),
    all: () => of().all(),
    close: () => Promise.resolve(),
  };
}
