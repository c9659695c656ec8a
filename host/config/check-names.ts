/**
 * Semantic checks on names: duplicates where names must be unique, and references to clusters,
 * route configs and filters that must exist. Unknown names are load-time errors, never silent
 * fallbacks.
 */
import { childPath, type ConfigError } from './errors.js';
import type { SluiceConfig } from './types.js';
import { pathOf, routeConfigsAt, routesAt } from './walk.js';

/** Reports a later item whose name repeats an earlier one in the same list. */
function duplicates(items: readonly { name: string }[], listPath: string, what: string): ConfigError[] {
  const first = new Map<string, number>();
  const out: ConfigError[] = [];
  items.forEach((item, i) => {
    const earlier = first.get(item.name);
    if (earlier === undefined) first.set(item.name, i);
    else out.push({ path: pathOf(listPath, i, 'name'), message: `duplicate ${what} name '${item.name}' (also ${childPath(listPath, earlier)})` });
  });
  return out;
}

/** Duplicate listener, cluster, route config, virtual host (per route config) and filter
 *  (per listener) names. */
export function checkDuplicateNames(config: SluiceConfig): ConfigError[] {
  const out = [
    ...duplicates(config.listeners, 'listeners', 'listener'),
    ...duplicates(config.clusters ?? [], 'clusters', 'cluster'),
    ...duplicates(config.route_configs ?? [], 'route_configs', 'route config'),
  ];
  for (const { routeConfig, path } of routeConfigsAt(config)) {
    out.push(...duplicates(routeConfig.virtual_hosts, childPath(path, 'virtual_hosts'), 'virtual host'));
  }
  config.listeners.forEach((l, i) => {
    out.push(...duplicates(l.http_filters ?? [], pathOf('listeners', i, 'http_filters'), 'http filter'));
  });
  return out;
}

/** Listeners naming unknown route configs; routes naming unknown clusters or filters. */
export function checkReferences(config: SluiceConfig): ConfigError[] {
  const out: ConfigError[] = [];
  const clusters = new Set((config.clusters ?? []).map((c) => c.name));
  const routeConfigs = new Set((config.route_configs ?? []).map((r) => r.name));
  config.listeners.forEach((l, i) => {
    if (l.route_config !== undefined && !routeConfigs.has(l.route_config)) {
      out.push({ path: pathOf('listeners', i, 'route_config'), message: `unknown route config '${l.route_config}'` });
    }
  });
  for (const { routeConfig: rc, path: rcPath } of routeConfigsAt(config)) {
    const filters = filtersServing(config, rc.name);
    rc.virtual_hosts.forEach((vh, v) => {
      for (const name of Object.keys(vh.filters ?? {})) {
        if (filters.has(name)) continue;
        out.push({
          path: pathOf(rcPath, 'virtual_hosts', v, 'filters', name),
          message: `no http filter named '${name}' on the listeners using route config '${rc.name}'`,
        });
      }
    });
  }
  for (const { route, path, routeConfig } of routesAt(config)) {
    const action = route.route;
    if (action?.cluster !== undefined && !clusters.has(action.cluster)) {
      out.push({ path: pathOf(path, 'route', 'cluster'), message: `unknown cluster '${action.cluster}'` });
    }
    action?.weighted_clusters?.clusters.forEach((wc, w) => {
      if (!clusters.has(wc.name)) {
        out.push({ path: pathOf(path, 'route', 'weighted_clusters', 'clusters', w, 'name'), message: `unknown cluster '${wc.name}'` });
      }
    });
    const filters = filtersServing(config, routeConfig.name);
    for (const name of Object.keys(route.filters ?? {})) {
      if (!filters.has(name)) {
        out.push({
          path: pathOf(path, 'filters', name),
          message: `no http filter named '${name}' on the listeners using route config '${routeConfig.name}'`,
        });
      }
    }
  }
  return out;
}

/** Names of the http filters of the listeners that use a route config (all listeners' filters
 *  when none uses it yet, so an unused route config is not held to an arbitrary chain). */
function filtersServing(config: SluiceConfig, routeConfigName: string): Set<string> {
  const users = config.listeners.filter((l) => l.route_config === routeConfigName);
  const listeners = users.length > 0 ? users : config.listeners;
  return new Set(listeners.flatMap((l) => (l.http_filters ?? []).map((f) => f.name)));
}
