/**
 * Walking a schema-valid config with display paths, so each semantic check names the exact
 * place it complains about (`route_configs[0].virtual_hosts[1].routes[2].route.cluster`).
 */
import { childPath } from './errors.js';
import type { RouteConfig, RouteEntryConfig, SluiceConfig, VirtualHostConfig } from './types.js';

/** A route with where it sits. */
export interface RouteAt {
  route: RouteEntryConfig;
  path: string;
  routeConfig: RouteConfig;
  virtualHost: VirtualHostConfig;
}

/** Each route config with its path. */
export function routeConfigsAt(config: SluiceConfig): { routeConfig: RouteConfig; path: string }[] {
  return (config.route_configs ?? []).map((routeConfig, i) => ({
    routeConfig,
    path: childPath('route_configs', i),
  }));
}

/** Every route of every virtual host of every route config, in file order. */
export function routesAt(config: SluiceConfig): RouteAt[] {
  const out: RouteAt[] = [];
  for (const { routeConfig, path: rcPath } of routeConfigsAt(config)) {
    routeConfig.virtual_hosts.forEach((virtualHost, v) => {
      const vhPath = childPath(childPath(rcPath, 'virtual_hosts'), v);
      virtualHost.routes.forEach((route, r) => {
        out.push({ route, path: childPath(childPath(vhPath, 'routes'), r), routeConfig, virtualHost });
      });
    });
  }
  return out;
}

/** Joins path segments onto a base path. */
export function pathOf(base: string, ...segments: (string | number)[]): string {
  return segments.reduce<string>((p, s) => childPath(p, s), base);
}
