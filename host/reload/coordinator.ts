/**
 * The reload coordinator: validate → build everything new (clusters reusing unchanged ones,
 * routers, filter chains reusing unchanged chains and VMs, new listeners bound) → swap every
 * listener's snapshot in one synchronous step → release old resources once the requests that
 * started on them have ended. The first start is the same path from an empty plane.
 *
 * Nothing here throws into the serving path: a failed build releases what it built and rejects
 * with a ConfigLoadError (`path: message` lines); what was serving keeps serving.
 */
import { ConfigLoadError } from '../config/errors.js';
import { canonicalJson, type LoadedConfig } from '../config/load.js';
import { asConfigLoadError, bindError } from '../gateway/config-errors.js';
import type { DataPlane } from '../gateway/data-plane.js';
import { parseAddress } from '../config/address.js';
import type { AccessLog } from '../observability/contract.js';
import { buildRouter } from '../router/build.js';
import type { Router } from '../router/contract.js';
import { createClusterManager } from '../upstream/cluster-manager.js';
import type { ClusterManager } from '../upstream/contract.js';
import { diffConfigs, type ConfigDiff } from './config-diff.js';
import { Generation } from './generation.js';
import { planListener, type Built, type ListenerPlan } from './listener-plan.js';
import { checkRouteOverrides } from './route-overrides.js';

/** What a successful apply reports. */
export interface ApplyReport {
  hash: string;
  loadedAt: string;
  diff: ConfigDiff;
  /** Build + swap time, ms. */
  durationMs: number;
}

/** Longest any listener of `plane` lets its requests drain (bound on releasing old resources). */
function maxDrainMs(plane: DataPlane, extra: readonly ListenerPlan[]): number {
  let ms = 1000;
  for (const e of plane.listeners.values()) ms = Math.max(ms, e.listener.limits.drainTimeoutMs);
  for (const p of extra) ms = Math.max(ms, p.limits.drainTimeoutMs);
  return ms;
}

function buildRouters(next: LoadedConfig): Map<string, Router> {
  const routers = new Map<string, Router>();
  for (const [i, rc] of (next.config.route_configs ?? []).entries()) {
    try {
      routers.set(rc.name, buildRouter(rc));
    } catch (err) {
      throw asConfigLoadError(err, `route_configs[${i}]`);
    }
  }
  return routers;
}

async function bindPlan(p: ListenerPlan): Promise<void> {
  const addr = parseAddress(p.cfg.address);
  if (addr === undefined) throw new ConfigLoadError([{ path: `listeners[${p.index}].address`, message: `"${p.cfg.address}" is not host:port` }]);
  try {
    await p.listener!.listen(addr.host, addr.port);
  } catch (err) {
    throw bindError(`listeners[${p.index}].address`, p.cfg.address, err);
  }
}

/** Releases what a failed apply built; never throws. */
async function releaseBuilt(plane: DataPlane, built: Built, clusters: ClusterManager | undefined): Promise<void> {
  await Promise.allSettled([
    ...built.listeners.map((l) => l.stop(0)),
    ...built.chains.map((c) => c.close()),
    ...built.accessLogs.map((a) => a.close()),
    clusters?.close(),
  ]);
  plane.deps.log.debug('released a failed reload');
}

/**
 * Applies `next` to `plane`. Rejects with ConfigLoadError (nothing changed) when anything fails
 * to build or bind. Callers serialize applies (DataPlane.serialize).
 */
export async function applyConfig(plane: DataPlane, next: LoadedConfig): Promise<ApplyReport> {
  const t0 = performance.now();
  const diff = diffConfigs(plane.loaded?.config, next.config);
  const built: Built = { chains: [], accessLogs: [], listeners: [] };
  let clusters: ClusterManager | undefined;
  const plans: ListenerPlan[] = [];
  let gen: Generation;
  try {
    const routers = buildRouters(next);
    try {
      clusters = await createClusterManager(next.config.clusters ?? [], { log: plane.deps.log, previous: plane.clusters, baseDir: next.baseDir });
    } catch (err) {
      throw asConfigLoadError(err, 'clusters');
    }
    let modules;
    try {
      modules = await plane.filters.prepare(next.config, next.baseDir);
    } catch (err) {
      throw asConfigLoadError(err, 'listeners');
    }
    gen = new Generation(clusters);
    const wrapped = new Map<string, AccessLog>();
    const rebind = new Set(diff.listeners.rebind);
    for (let i = 0; i < next.config.listeners.length; i++) {
      try {
        const plan = planListener(plane, next, i, routers, modules, gen, rebind, wrapped, built);
        plans.push(plan);
        checkOverrides(plane, next, plan);
      } catch (err) {
        throw asConfigLoadError(err, `listeners[${i}]`);
      }
    }
    for (const p of plans) if (p.socket === 'bind') await bindPlan(p);
    commit(plane, next, plans, gen, modules, clusters);
  } catch (err) {
    await releaseBuilt(plane, built, clusters);
    throw asConfigLoadError(err, '(root)');
  }
  await afterCommit(plane, plans);
  return { hash: next.hash, loadedAt: next.loadedAt.toISOString(), diff, durationMs: performance.now() - t0 };
}

/** A new chain, or a changed route config on a kept one: its per-route overrides must start. */
function checkOverrides(plane: DataPlane, next: LoadedConfig, plan: ListenerPlan): void {
  const name = plan.cfg.route_config;
  if (name === undefined || plan.chain === undefined) return;
  const at = (next.config.route_configs ?? []).findIndex((r) => r.name === name);
  const rc = next.config.route_configs?.[at];
  const before = plane.loaded?.config.route_configs?.find((r) => r.name === name);
  if (!plan.chainIsNew && before !== undefined && rc !== undefined && canonicalJson(before) === canonicalJson(rc)) return;
  checkRouteOverrides(plan.chain, rc, `route_configs[${at}]`);
}

/** The atomic step: every listener's snapshot and the plane's state change with no await in between. */
function commit(plane: DataPlane, next: LoadedConfig, plans: readonly ListenerPlan[], gen: Generation,
  modules: Awaited<ReturnType<DataPlane['filters']['prepare']>>, clusters: ClusterManager): void {
  const oldGen = plane.generation;
  const oldClusters = plane.clusters;
  const oldEntries = new Map(plane.listeners);
  const keptChains = new Set(plans.map((p) => p.chain));
  for (const p of plans) {
    if (p.socket === 'keep') p.old!.listener.snapshot = p.snapshot;
  }
  plane.listeners.clear();
  for (const p of plans) {
    const listener = p.socket === 'keep' ? p.old!.listener : p.listener!;
    plane.listeners.set(p.cfg.name, { cfg: p.cfg, listener, chain: p.chain, chainKey: p.chainKey });
  }
  plane.loaded = next;
  plane.clusters = clusters;
  plane.generation = gen;
  plane.filters.commit(modules);
  plane.lastError = undefined;

  // Old listeners that no longer serve (removed, or replaced by a new socket) stop accepting and drain.
  const stopping: Promise<void>[] = [];
  for (const [name, e] of oldEntries) {
    const now = plane.listeners.get(name);
    if (now === undefined || now.listener !== e.listener) stopping.push(e.listener.stop());
    if (e.chain !== undefined && !keptChains.has(e.chain)) plane.background(e.chain.close());
  }
  const drainMs = maxDrainMs(plane, plans);
  plane.background((async () => {
    await Promise.all(stopping);
    if (oldGen === undefined) return;
    await oldGen.drained(drainMs);
    await oldClusters?.close();
    const keptLogs = new Set(gen.accessLogs.values());
    await Promise.all([...oldGen.accessLogs.values()].filter((a) => !keptLogs.has(a)).map((a) => a.close()));
  })());
}

/**
 * Listeners whose socket settings changed on the same address: bound once the old socket (told
 * to stop at commit; its connections drain) has released the port.
 */
async function afterCommit(plane: DataPlane, plans: readonly ListenerPlan[]): Promise<void> {
  for (const p of plans) {
    if (p.socket !== 'rebind_after_stop') continue;
    let last: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      await new Promise((r) => setTimeout(r, attempt === 0 ? 0 : 25));
      try {
        await bindPlan(p);
        last = undefined;
        break;
      } catch (err) {
        last = err;
      }
    }
    if (last !== undefined) {
      const e = asConfigLoadError(last, `listeners[${p.index}]`);
      plane.deps.log.error('listener could not be re-bound after its settings changed', { listener: p.cfg.name, error: e.message });
      plane.lastError = { at: new Date(), errors: e.errors.map((x) => `${x.path}: ${x.message}`) };
    }
  }
}
