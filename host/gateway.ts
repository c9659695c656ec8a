/**
 * The Gateway: assembles a running data plane from a LoadedConfig (clusters, one router per
 * route config, access logs, filter chains, listeners, admin server), serves the admin view,
 * and stops gracefully. Each listener holds an immutable snapshot (router, clusters, filter
 * chain, access log, metrics) that requests read once at their start, so a later reload can swap
 * it atomically per request.
 */
import { Registry } from 'prom-client';
import type { AdminServer, AdminView } from './admin/contract.js';
import { startAdminServer } from './admin/server.js';
import { parseAddress } from './config/address.js';
import { ConfigLoadError } from './config/errors.js';
import type { LoadedConfig } from './config/load.js';
import type { HttpFilterChain } from './filter/contract.js';
import type { ListenerSnapshot } from './http/context.js';
import { HttpListener } from './listener/http-listener.js';
import { resolveLimits } from './listener/limits.js';
import { createAccessLog } from './observability/access-log.js';
import type { AccessLog, Logger } from './observability/contract.js';
import { createGatewayMetrics } from './observability/metrics.js';
import { buildRouter } from './router/build.js';
import type { Router } from './router/contract.js';
import { createClusterManager } from './upstream/cluster-manager.js';
import type { ClusterManager } from './upstream/contract.js';
import { asConfigLoadError, bindError } from './gateway/config-errors.js';
import { buildFilterChain } from './gateway/filter-chains.js';

export interface GatewayDeps {
  log: Logger;
  /** Metrics registry; a fresh one when absent. */
  registry?: Registry;
  /** Uniform in [0, 1) for retry jitter; default Math.random. */
  random?: () => number;
}

export interface GatewayListenerInfo {
  name: string;
  host: string;
  /** The real bound port (config port 0 binds an ephemeral one). */
  port: number;
}

export interface GatewayStopOptions {
  /** Bound on waiting for in-flight requests; default each listener's drain_timeout (15 s). */
  drainTimeoutMs?: number;
}

/** Everything built from config, so a failed start can release exactly what exists. */
interface Parts {
  clusters: ClusterManager | undefined;
  accessLogs: AccessLog[];
  filterChains: HttpFilterChain[];
  listeners: HttpListener[];
}

export class Gateway implements AdminView {
  admin: AdminServer | undefined = undefined;
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly loaded: LoadedConfig,
    readonly registry: Registry,
    private readonly parts: Parts,
    private readonly log: Logger,
  ) {}

  /**
   * Builds and starts everything in `loaded`. Rejects with a ConfigLoadError (e.g.
   * `listeners[0].address: address 127.0.0.1:8080 already in use`) after stopping whatever had
   * already started.
   */
  static async start(loaded: LoadedConfig, deps: GatewayDeps): Promise<Gateway> {
    const { config } = loaded;
    const log = deps.log;
    const registry = deps.registry ?? new Registry();
    const parts: Parts = { clusters: undefined, accessLogs: [], filterChains: [], listeners: [] };
    const gw = new Gateway(loaded, registry, parts, log);
    try {
      const metrics = createGatewayMetrics(registry);
      const routers = new Map<string, Router>();
      for (const rc of config.route_configs ?? []) {
        try {
          routers.set(rc.name, buildRouter(rc));
        } catch (err) {
          throw asConfigLoadError(err, `route_configs[${rc.name}]`);
        }
      }
      try {
        parts.clusters = await createClusterManager(config.clusters ?? [], { log });
      } catch (err) {
        throw asConfigLoadError(err, 'clusters');
      }
      const clusters = parts.clusters;
      const random = deps.random ?? Math.random;
      // Listeners sharing one access_log block (the top-level default) share one writer.
      const accessLogs = new Map<object, AccessLog>();
      for (const [i, l] of config.listeners.entries()) {
        const router = routers.get(l.route_config);
        if (router === undefined) {
          throw new ConfigLoadError([{ path: `listeners[${i}].route_config`, message: `no route config named "${l.route_config}"` }]);
        }
        const addr = parseAddress(l.address);
        if (addr === undefined) throw new ConfigLoadError([{ path: `listeners[${i}].address`, message: `"${l.address}" is not host:port` }]);
        const limits = resolveLimits(l);
        const alCfg = l.access_log ?? config.access_log;
        let accessLog = alCfg ? accessLogs.get(alCfg) : undefined;
        if (accessLog === undefined) {
          accessLog = createAccessLog(alCfg, { log });
          if (alCfg) accessLogs.set(alCfg, accessLog);
          parts.accessLogs.push(accessLog);
        }
        const filterChain = await buildFilterChain(l.http_filters, {
          baseDir: loaded.baseDir,
          listenerName: l.name,
          clusters,
          log,
          registry,
          bufferLimitBytes: limits.bufferLimitBytes,
        }).catch((err: unknown) => {
          throw asConfigLoadError(err, `listeners[${i}].http_filters`);
        });
        if (filterChain !== undefined) parts.filterChains.push(filterChain);
        const listenerLog = log.child({ listener: l.name });
        const snapshot: ListenerSnapshot = {
          log: listenerLog,
          router,
          clusters,
          filterChain,
          accessLog,
          metrics,
          bufferLimitBytes: limits.bufferLimitBytes,
          random,
        };
        const listener = new HttpListener(l.name, snapshot, limits, listenerLog);
        parts.listeners.push(listener);
        try {
          await listener.listen(addr.host, addr.port);
        } catch (err) {
          throw bindError(`listeners[${i}].address`, l.address, err);
        }
      }
      if (config.admin !== undefined) {
        try {
          gw.admin = await startAdminServer({ address: config.admin.address, registry, view: gw, log });
        } catch (err) {
          throw bindError('admin.address', config.admin.address, err);
        }
      }
    } catch (err) {
      await gw.stop({ drainTimeoutMs: 0 });
      throw err;
    }
    log.info('gateway started', { listeners: gw.listeners(), admin: gw.admin ? `${gw.admin.address}:${gw.admin.port}` : null });
    return gw;
  }

  /** Bound listeners with their real ports. */
  listeners(): GatewayListenerInfo[] {
    const out: GatewayListenerInfo[] = [];
    for (const l of this.parts.listeners) {
      const a = l.address();
      if (a !== undefined) out.push({ name: l.name, host: a.host, port: a.port });
    }
    return out;
  }

  /** The listener objects (tests, hot reload). */
  httpListeners(): readonly HttpListener[] {
    return this.parts.listeners;
  }

  /**
   * Graceful stop: listeners stop accepting and drain (idle keep-alive connections close now,
   * busy ones after their response, the rest after the drain timeout); then pools, filter
   * chains, the admin server and access logs close. Idempotent.
   */
  stop(opts: GatewayStopOptions = {}): Promise<void> {
    this.stopped ??= this.doStop(opts);
    return this.stopped;
  }

  private async doStop(opts: GatewayStopOptions): Promise<void> {
    const p = this.parts;
    await Promise.all(p.listeners.map((l) => l.stop(opts.drainTimeoutMs)));
    await this.settle([p.clusters?.close(), ...p.filterChains.map((c) => c.close()), this.admin?.close()]);
    await this.settle(p.accessLogs.map((a) => a.close()));
  }

  /** Waits for every close; a failing one is logged, never fatal: shutdown must always finish. */
  private async settle(ps: (Promise<void> | undefined)[]): Promise<void> {
    for (const r of await Promise.allSettled(ps)) {
      if (r.status === 'rejected') this.log.warn('error while stopping', { error: String(r.reason) });
    }
  }

  // AdminView
  ready(): boolean {
    return this.stopped === undefined && this.parts.listeners.every((l) => l.address() !== undefined && !l.draining);
  }

  configDump(): unknown {
    return {
      version: { hash: this.loaded.hash, loaded_at: this.loaded.loadedAt.toISOString(), file: this.loaded.file ?? null, last_error: null },
      config: this.loaded.config,
    };
  }

  clusters(): unknown {
    return { clusters: (this.parts.clusters?.all() ?? []).map((c) => c.describe()) };
  }

  filters(): unknown {
    return [];
  }
}

