/**
 * Builds what one listener of a new config will serve with: its snapshot (router, clusters,
 * filter chain, access log of the new generation), reusing the running chain when its filters,
 * buffer limit and module versions are unchanged, and a new RunningListener when the listener is
 * new or its socket settings changed.
 */
import { canonicalJson, type LoadedConfig } from '../config/load.js';
import type { ListenerConfig } from '../config/types.js';
import type { HttpFilterChain } from '../filter/contract.js';
import type { DataPlane, ListenerEntry } from '../gateway/data-plane.js';
import type { ListenerSnapshot } from '../http/context.js';
import type { RunningListener } from '../gateway/running-listener.js';
import { resolveLimits, type ResolvedLimits } from '../listener/limits.js';
import { createAccessLog } from '../observability/access-log.js';
import type { AccessLog } from '../observability/contract.js';
import { buildRouter } from '../router/build.js';
import type { Router } from '../router/contract.js';
import type { Generation } from './generation.js';
import type { PreparedModules } from './filter-registry.js';
import type { ModuleVersion } from './module-version.js';
import { keepsSocket, sameAddress } from './config-diff.js';

/** How the listener's socket is handled at commit. */
export type SocketPlan =
  /** Same socket, new snapshot. */
  | 'keep'
  /** A new listener (new name, or a changed address): bound before the swap. */
  | 'bind'
  /** Socket settings changed on the same address: the old one stops accepting, then the new one binds. */
  | 'rebind_after_stop';

export interface ListenerPlan {
  index: number;
  cfg: ListenerConfig;
  limits: ResolvedLimits;
  snapshot: ListenerSnapshot;
  chain: HttpFilterChain | undefined;
  chainKey: string;
  /** The chain was built for this plan (released if the reload fails). */
  chainIsNew: boolean;
  old: ListenerEntry | undefined;
  /** Present unless socket === 'keep'. */
  listener: RunningListener | undefined;
  socket: SocketPlan;
}

/** What a failed reload must release. */
export interface Built {
  chains: HttpFilterChain[];
  accessLogs: AccessLog[];
  listeners: RunningListener[];
}

/** Key of what a chain is built from: equal key → the running chain is reused as is. */
export function chainKeyOf(l: ListenerConfig, bufferLimitBytes: number, versionOf: (name: string) => ModuleVersion | undefined): string {
  const versions = (l.http_filters ?? []).map((f) => versionOf(f.name)?.serial ?? 0);
  return `${canonicalJson(l.http_filters ?? [])}|${bufferLimitBytes}|${versions.join(',')}`;
}

/** The generation's access log for `l` (inner writers reused from the previous generation when equal). */
function accessLogFor(plane: DataPlane, next: LoadedConfig, l: ListenerConfig, gen: Generation, wrapped: Map<string, AccessLog>,
  built: Built): AccessLog {
  const cfg = l.access_log ?? next.config.access_log;
  const key = canonicalJson(cfg ?? null);
  const have = wrapped.get(key);
  if (have !== undefined) return have;
  let inner = plane.generation?.accessLogs.get(key);
  if (inner === undefined) {
    inner = createAccessLog(cfg, { log: plane.deps.log });
    built.accessLogs.push(inner);
  }
  gen.accessLogs.set(key, inner);
  const w = gen.wrap(inner);
  wrapped.set(key, w);
  return w;
}

/**
 * Plans listener `index` of `next`. Throws `listeners[i]...: message` (route config missing,
 * a filter that fails to start); what it built so far is in `built`.
 */
export function planListener(plane: DataPlane, next: LoadedConfig, index: number, routers: ReadonlyMap<string, Router>,
  modules: PreparedModules, gen: Generation, rebind: ReadonlySet<string>, wrapped: Map<string, AccessLog>, built: Built): ListenerPlan {
  const l = next.config.listeners[index]!;
  // A listener of tcp_proxy / filter_chains only has no listener-level HTTP chain: its snapshot
  // gets a router that matches nothing (the schema lets route_config be absent only then).
  const router = l.route_config === undefined ? buildRouter({ name: `${l.name}/none`, virtual_hosts: [] })
    : routers.get(l.route_config);
  if (router === undefined) throw new Error(`listeners[${index}].route_config: no route config named "${l.route_config}"`);
  const limits = resolveLimits(l);
  const old = plane.listeners.get(l.name);
  const chainKey = chainKeyOf(l, limits.bufferLimitBytes, (n) => modules.get(n)?.version);
  let chain: HttpFilterChain | undefined;
  let chainIsNew = false;
  if (old !== undefined && old.chainKey === chainKey) chain = old.chain;
  else if ((l.http_filters ?? []).length > 0) {
    try {
      chain = plane.filters.buildChain(l.name, l.http_filters!, limits.bufferLimitBytes, (n) => modules.get(n)?.version,
        limits.drainTimeoutMs);
    } catch (err) {
      throw new Error(`listeners[${index}].${(err as Error).message}`);
    }
    chainIsNew = true;
    built.chains.push(chain);
  }
  const log = old?.listener.log ?? plane.deps.log.child({ listener: l.name });
  const snapshot: ListenerSnapshot = {
    log,
    router,
    clusters: gen.clusters,
    filterChain: chain,
    accessLog: accessLogFor(plane, next, l, gen, wrapped, built),
    metrics: plane.deps.metrics,
    bufferLimitBytes: limits.bufferLimitBytes,
    random: plane.deps.random,
  };
  plane.generations.register(snapshot, gen);
  let socket: SocketPlan = 'keep';
  let listener: RunningListener | undefined;
  if (old === undefined || (rebind.has(l.name) && !keepsSocket(old.cfg, l, old.listener.address()))) {
    socket = old !== undefined && sameAddress(old.cfg, l, old.listener.address()) ? 'rebind_after_stop' : 'bind';
    listener = plane.deps.createListener(l, snapshot, limits, log);
    plane.generations.track(listener);
    built.listeners.push(listener);
  }
  return { index, cfg: l, limits, snapshot, chain, chainKey, chainIsNew, old, listener, socket };
}
