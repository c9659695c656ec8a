/**
 * Builders shared by the router tests: a RouteConfig from a few routes, and a RouteRequest.
 */
import type { RouteConfig, RouteEntryConfig, VirtualHostConfig } from '../../host/config/types.js';
import type { ClusterRoute, RedirectRoute, Route, RouteRequest } from '../../host/router/contract.js';
import { buildRouter } from '../../host/router/build.js';
import assert from 'node:assert/strict';

/** One catch-all virtual host holding `routes`. */
export function oneHost(routes: RouteEntryConfig[], extra: Partial<VirtualHostConfig> = {}): RouteConfig {
  return { name: 'test', virtual_hosts: [{ name: 'vh', domains: ['*'], routes, ...extra }] };
}

/** A request with sensible defaults. */
export function req(path: string, more: Partial<RouteRequest> = {}): RouteRequest {
  return { authority: 'example.com', path, method: 'GET', headers: {}, ...more };
}

/** Routes `r` through a router built from `rc`; null when nothing matched. */
export function routeOf(rc: RouteConfig, r: RouteRequest, random?: () => number): Route | null {
  return buildRouter(rc, random ? { random } : {}).route(r);
}

export function asCluster(r: Route | null): ClusterRoute {
  assert.ok(r, 'expected a route');
  assert.equal(r.kind, 'cluster');
  return r as ClusterRoute;
}

export function asRedirect(r: Route | null): RedirectRoute {
  assert.ok(r, 'expected a route');
  assert.equal(r.kind, 'redirect');
  return r as RedirectRoute;
}

/** A random() that returns the given values in turn, forever. */
export function sequence(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}
