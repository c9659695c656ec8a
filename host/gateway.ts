/**
 * The Gateway: assembles a running data plane from a LoadedConfig (clusters, one router per
 * route config, access logs, filter chains, listeners, admin server), serves the admin view,
 * hot-loads config and filter modules, and stops gracefully. Each listener holds an immutable
 * snapshot (router, clusters, filter chain, access log, metrics) that requests read once at
 * their start; reloads build a new one and swap it (host/reload/coordinator.ts).
 */
import { Registry } from 'prom-client';
import type { AdminServer, AdminView } from './admin/contract.js';
import { reloadAdminRoutes } from './admin/reload-routes.js';
import { startAdminServer } from './admin/server.js';
import { ConfigLoadError } from './config/errors.js';
import { loadConfigFile, parseConfigText, type LoadedConfig } from './config/load.js';
import type { ListenerConfig } from './config/types.js';
import type { ListenerSnapshot } from './http/context.js';
import { createConnectionListener, type ListenerEnv } from './listener/build.js';
import { NetworkMetrics } from './network/tcp-metrics.js';
import type { ResolvedLimits } from './listener/limits.js';
import type { Logger } from './observability/contract.js';
import { createGatewayMetrics } from './observability/metrics.js';
import { applyConfig, type ApplyReport } from './reload/coordinator.js';
import { FilterRollout } from './reload/filter-rollout.js';
import { ReloadMetrics } from './reload/metrics.js';
import { ModuleFollowers } from './reload/module-followers.js';
import { ModuleWatcher } from './reload/module-watch.js';
import { bindError } from './gateway/config-errors.js';
import { DataPlane } from './gateway/data-plane.js';
import type { RunningListener } from './gateway/running-listener.js';

export interface GatewayDeps {
  log: Logger;
  /** Metrics registry; a fresh one when absent. */
  registry?: Registry;
  /** Uniform in [0, 1) for retry jitter and canary picks; default Math.random. */
  random?: () => number;
  /**
   * Watch every wasm module file of the config and load a new version when one changes
   * (`sluice run` turns it on). Poll interval in ms; absent or 0: no watching.
   */
  watchModulesMs?: number;
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

/** Constructs one listener (not bound). The one place listeners are created, for start and reload alike. */
function createListener(cfg: ListenerConfig, snapshot: ListenerSnapshot, limits: ResolvedLimits, log: Logger,
  env: ListenerEnv): RunningListener {
  return createConnectionListener(cfg, snapshot, limits, log, env);
}

/** What listeners build from besides their own config: the config being applied (its route configs, base dir). */
function listenerEnv(registry: Registry, applying: { loaded: LoadedConfig }): ListenerEnv {
  return {
    baseDir: () => applying.loaded.baseDir,
    routeConfig: (name) => applying.loaded.config.route_configs?.find((r) => r.name === name),
    registry,
    networkMetrics: new NetworkMetrics(registry),
  };
}

export class Gateway implements AdminView {
  admin: AdminServer | undefined = undefined;
  readonly rollout: FilterRollout;
  /** Modules listeners run outside the filter registry (filter_chains' http_filters, network_filters). */
  readonly followers: ModuleFollowers;
  private readonly reloadMetrics: ReloadMetrics;
  private watcher: ModuleWatcher | undefined;
  private stopped: Promise<void> | undefined;
  /** The config an apply is building listeners from (listeners read its route configs). */
  private applying: { loaded: LoadedConfig } | undefined;
  /** Where the active config came from: one POSTed to /config lasts until the next file reload. */
  private source: 'file' | 'admin' = 'file';

  private constructor(
    readonly registry: Registry,
    private readonly plane: DataPlane,
    private readonly log: Logger,
  ) {
    this.reloadMetrics = new ReloadMetrics(registry);
    this.rollout = new FilterRollout(plane, this.reloadMetrics);
    this.followers = new ModuleFollowers({ log, metrics: this.reloadMetrics, serialize: (fn) => plane.serialize(fn) });
  }

  /**
   * Builds and starts everything in `loaded`. Rejects with a ConfigLoadError (e.g.
   * `listeners[0].address: address 127.0.0.1:8080 already in use`) after stopping whatever had
   * already started.
   */
  static async start(loaded: LoadedConfig, deps: GatewayDeps): Promise<Gateway> {
    const log = deps.log;
    const registry = deps.registry ?? new Registry();
    const applying = { loaded };
    const env = listenerEnv(registry, applying);
    const plane = new DataPlane({
      log, registry, metrics: createGatewayMetrics(registry), random: deps.random ?? Math.random,
      createListener: (cfg, snapshot, limits, l) => createListener(cfg, snapshot, limits, l, env),
    });
    const gw = new Gateway(registry, plane, log);
    env.follow = (m) => gw.followers.follow(m);
    env.shared = plane.shared;
    gw.applying = applying;
    try {
      await plane.serialize(() => applyConfig(plane, loaded));
      const admin = loaded.config.admin;
      if (admin !== undefined) {
        try {
          gw.admin = await startAdminServer({ address: admin.address, registry, view: gw, log, routes: reloadAdminRoutes(gw) });
        } catch (err) {
          throw bindError('admin.address', admin.address, err);
        }
      }
    } catch (err) {
      await gw.stop({ drainTimeoutMs: 0 });
      throw err;
    }
    if (deps.watchModulesMs) {
      gw.watcher = new ModuleWatcher(plane.filters, gw.rollout, log, deps.watchModulesMs, gw.followers);
      gw.watcher.sync();
    }
    log.info('gateway started', { listeners: gw.listeners(), admin: gw.admin ? `${gw.admin.address}:${gw.admin.port}` : null });
    return gw;
  }

  /** The active config. */
  get loaded(): LoadedConfig {
    return this.plane.loaded!;
  }

  /** Bound listeners with their real ports. */
  listeners(): GatewayListenerInfo[] {
    const out: GatewayListenerInfo[] = [];
    for (const e of this.plane.listeners.values()) {
      const a = e.listener.address();
      if (a !== undefined) out.push({ name: e.listener.name, host: a.host, port: a.port });
    }
    return out;
  }

  /** The running listeners (tests, hot reload). */
  httpListeners(): readonly RunningListener[] {
    return [...this.plane.listeners.values()].map((e) => e.listener);
  }

  /** Live filter VMs (tests: old versions released after a swap). */
  liveVms(): number {
    return this.plane.filters.pool.size;
  }

  /**
   * Applies a new config as a diff (see host/reload/coordinator.ts). Rejects with
   * ConfigLoadError, logging each `path: message`, when it cannot be applied: nothing changes.
   * Admin address and `workers` changes need a restart (logged, otherwise ignored).
   * `source` is what GET /config_dump reports the config came from.
   */
  reload(next: LoadedConfig, source: 'file' | 'admin' = 'file'): Promise<ApplyReport> {
    return this.plane.serialize(async () => {
      if (this.stopped !== undefined) throw new ConfigLoadError([{ path: '(root)', message: 'the gateway is stopping' }]);
      const before = this.plane.loaded!;
      if (this.applying) this.applying.loaded = next;
      try {
        const report = await applyConfig(this.plane, next);
        this.source = source;
        this.reloadMetrics.reload(report.diff.empty ? 'unchanged' : 'applied');
        if ((before.config.admin?.address ?? '') !== (next.config.admin?.address ?? '')) {
          this.log.warn('admin.address changed: applies at the next restart');
        }
        this.log.info('config reloaded', { hash: next.hash, duration_ms: Math.round(report.durationMs), listeners: report.diff.listeners });
        this.watcher?.sync();
        return report;
      } catch (err) {
        // Listeners built later (a module swap re-deriving filter_chains) must read the config that serves.
        if (this.applying) this.applying.loaded = before;
        const e = err instanceof ConfigLoadError ? err : new ConfigLoadError([{ path: '(root)', message: String((err as Error)?.message ?? err) }]);
        this.refused(e);
        throw e;
      }
    });
  }

  /** Reads, validates and applies a config file (SIGHUP, file watch). Rejects like reload(). */
  async reloadFile(file: string): Promise<ApplyReport> {
    let next: LoadedConfig;
    try {
      next = await loadConfigFile(file);
    } catch (err) {
      if (err instanceof ConfigLoadError) this.refused(err);
      throw err;
    }
    return this.reload(next);
  }

  /** Validates and applies config text (POST /config); relative paths resolve as the active config's. */
  reloadText(text: string, format: 'yaml' | 'json'): Promise<ApplyReport> {
    let next: LoadedConfig;
    try {
      next = parseConfigText(text, { format, baseDir: this.loaded.baseDir, ...(this.loaded.file ? { file: this.loaded.file } : {}) });
    } catch (err) {
      if (err instanceof ConfigLoadError) this.refused(err);
      return Promise.reject(err);
    }
    return this.reload(next, 'admin');
  }

  private refused(e: ConfigLoadError): void {
    const errors = e.errors.map((x) => `${x.path}: ${x.message}`);
    this.plane.lastError = { at: new Date(), errors };
    this.reloadMetrics.reload('refused');
    for (const line of errors) this.log.error(`config reload refused: ${line}`);
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
    this.watcher?.close();
    const p = this.plane;
    const entries = [...p.listeners.values()];
    await Promise.all(entries.map((e) => e.listener.stop(opts.drainTimeoutMs)));
    const chains = entries.map((e) => e.chain).filter((c) => c !== undefined);
    await this.settle([p.clusters?.close(), ...chains.map((c) => c.close()), this.admin?.close()]);
    await this.settle([...(p.generation?.accessLogs.values() ?? [])].map((a) => a.close()));
    await this.settle([...p.releasing]);
  }

  /** Waits for every close; a failing one is logged, never fatal: shutdown must always finish. */
  private async settle(ps: (Promise<void> | undefined)[]): Promise<void> {
    for (const r of await Promise.allSettled(ps)) {
      if (r.status === 'rejected') this.log.warn('error while stopping', { error: String(r.reason) });
    }
  }

  // AdminView
  ready(): boolean {
    return this.stopped === undefined && this.httpListeners().every((l) => l.address() !== undefined && !l.draining);
  }

  configDump(): unknown {
    const loaded = this.plane.loaded;
    const err = this.plane.lastError;
    return {
      version: {
        hash: loaded?.hash ?? null,
        loaded_at: loaded?.loadedAt.toISOString() ?? null,
        file: loaded?.file ?? null,
        // 'admin': applied by POST /config; `file` is then only where the next reload reads from.
        source: this.source,
        last_error: err ? { at: err.at.toISOString(), errors: err.errors } : null,
      },
      config: loaded?.config ?? null,
    };
  }

  clusters(): unknown {
    return { clusters: (this.plane.clusters?.all() ?? []).map((c) => c.describe()) };
  }

  filters(): unknown {
    return this.plane.filters.describe();
  }
}
