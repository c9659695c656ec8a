/**
 * What a config reload changes: listeners added / removed / changed / unchanged (by the canonical
 * JSON of each listener), and route configs, clusters and http filters by name. Pure: the
 * coordinator decides what to build and what to keep from this.
 */
import { canonicalJson } from '../config/load.js';
import { parseAddress } from '../config/address.js';
import type { ListenerConfig, SluiceConfig } from '../config/types.js';

/** Names sorted into what happened to them between two configs. */
export interface NamedDiff {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

/** How a listener changed. */
export interface ListenerDiff extends NamedDiff {
  /**
   * Changed listeners whose socket must be replaced (address, limits, TLS, anything the server
   * is built with). The rest of `changed` differ only in what their snapshot holds (route
   * config, http filters, access log, drain timeout) and keep their sockets and connections.
   */
  rebind: string[];
}

export interface ConfigDiff {
  listeners: ListenerDiff;
  routeConfigs: NamedDiff;
  clusters: NamedDiff;
  /** http_filters by name across listeners (a name whose configs differ anywhere is changed). */
  filters: NamedDiff;
  /** True when nothing at all differs (a reload of the same content). */
  empty: boolean;
}

/** Listener keys that only feed the per-request snapshot; everything else shapes the socket. */
const SNAPSHOT_KEYS = new Set(['name', 'http_filters', 'route_config', 'access_log', 'drain_timeout']);

function byName<T extends { name: string }>(items: readonly T[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const it of items ?? []) m.set(it.name, canonicalJson(it));
  return m;
}

/** Diffs two maps of name → canonical JSON. */
export function diffNamed(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): NamedDiff {
  const d: NamedDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [name, key] of after) {
    const old = before.get(name);
    if (old === undefined) d.added.push(name);
    else if (old === key) d.unchanged.push(name);
    else d.changed.push(name);
  }
  for (const name of before.keys()) if (!after.has(name)) d.removed.push(name);
  return d;
}

/** The socket-shaping part of a listener (for telling a rebind from a snapshot change). */
function socketKey(l: ListenerConfig, address = l.address): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(l)) if (!SNAPSHOT_KEYS.has(k)) rest[k] = v;
  rest.address = address;
  return canonicalJson(rest);
}

/** Whether `next` names the address `old` is on (its config text, or the port it actually bound). */
export function sameAddress(old: ListenerConfig, next: ListenerConfig, bound: { host: string; port: number } | undefined): boolean {
  if (old.address === next.address) return true;
  const a = parseAddress(next.address);
  return bound !== undefined && a !== undefined && a.host === bound.host && a.port === bound.port;
}

/**
 * Whether `next` can keep the socket `old` is bound on: nothing socket-shaping changed, reading
 * an address that names the port `old` actually bound (config port 0 → the ephemeral port) as
 * unchanged.
 */
export function keepsSocket(old: ListenerConfig, next: ListenerConfig, bound: { host: string; port: number } | undefined): boolean {
  if (socketKey(old) === socketKey(next)) return true;
  return sameAddress(old, next, bound) && socketKey(old, next.address) === socketKey(next);
}

/** Every http filter by name: the canonical JSON of all its configs, in listener order. */
function filtersByName(c: SluiceConfig | undefined): Map<string, string> {
  const all = new Map<string, unknown[]>();
  for (const l of c?.listeners ?? []) {
    for (const f of l.http_filters ?? []) {
      const list = all.get(f.name) ?? [];
      list.push(f.wasm);
      all.set(f.name, list);
    }
  }
  return new Map([...all].map(([k, v]) => [k, canonicalJson(v)]));
}

/**
 * Diffs `before` (undefined: nothing runs yet) against `after`. A listener whose address (or
 * any socket setting) changed is reported in `changed` and `rebind`: it is replaced by a new
 * socket, as a remove + add.
 */
export function diffConfigs(before: SluiceConfig | undefined, after: SluiceConfig): ConfigDiff {
  const listeners: ListenerDiff = { ...diffNamed(byName(before?.listeners), byName(after.listeners)), rebind: [] };
  const oldListeners = new Map((before?.listeners ?? []).map((l) => [l.name, l]));
  for (const l of after.listeners) {
    const old = oldListeners.get(l.name);
    if (old !== undefined && listeners.changed.includes(l.name) && socketKey(old) !== socketKey(l)) listeners.rebind.push(l.name);
  }
  const routeConfigs = diffNamed(byName(before?.route_configs), byName(after.route_configs));
  const clusters = diffNamed(byName(before?.clusters), byName(after.clusters));
  const filters = diffNamed(filtersByName(before), filtersByName(after));
  const moved = (d: NamedDiff): boolean => d.added.length + d.removed.length + d.changed.length > 0;
  const empty = !moved(listeners) && !moved(routeConfigs) && !moved(clusters) && !moved(filters)
    && canonicalJson(before?.access_log ?? null) === canonicalJson(after.access_log ?? null);
  return { listeners, routeConfigs, clusters, filters, empty };
}
