/**
 * Builds a Router from a RouteConfig: every domain, matcher, regex, rewrite, retry policy, hash
 * policy and header mutation is compiled here, once. `route()` only walks the compiled tables.
 * Throws (at load time only) with the config path when the RouteConfig cannot be compiled.
 */
import type { RouteConfig, RouteEntryConfig, VirtualHostConfig } from '../config/types.js';
import type { Route, RouteRequest, Router } from './contract.js';
import { RouteMatcher } from './match.js';
import { RequestView } from './request-view.js';
import { VirtualHostSelector } from './virtual-hosts.js';
import { buildClusterRoute, type RouteBaseFields } from './cluster-route.js';
import { buildRedirectRoute } from './redirect.js';
import { compileHeaderMutations } from './header-mutations.js';

/** Dependencies injected into the router; tests pass a seeded `random`. */
export interface RouterOptions {
  /** Uniform in [0, 1); used by weighted_clusters. Default Math.random. */
  random?: () => number;
}

interface CompiledEntry {
  readonly matcher: RouteMatcher;
  readonly route: Route;
}

interface CompiledVirtualHost {
  readonly name: string;
  readonly entries: readonly CompiledEntry[];
}

/** Per-filter settings of a route: its own entry for a filter, else its virtual host's. */
function filterOverrides(vh: VirtualHostConfig, e: RouteEntryConfig): RouteEntryConfig['filters'] {
  if (vh.filters === undefined) return e.filters;
  if (e.filters === undefined) return vh.filters;
  return { ...vh.filters, ...e.filters };
}

function buildEntry(
  vh: VirtualHostConfig,
  e: RouteEntryConfig,
  index: number,
  random: () => number,
  where: string,
): CompiledEntry {
  const matcher = new RouteMatcher(e.match, `${where}.match`);
  const base: RouteBaseFields = {
    name: e.name ?? `${vh.name}/${index}`,
    virtualHostName: vh.name,
    // Request: the virtual host's changes first, then the route's; response: the reverse.
    requestHeaders: compileHeaderMutations([
      { remove: vh.request_headers_to_remove, add: vh.request_headers_to_add },
      { remove: e.request_headers_to_remove, add: e.request_headers_to_add },
    ]),
    responseHeaders: compileHeaderMutations([
      { remove: e.response_headers_to_remove, add: e.response_headers_to_add },
      { remove: vh.response_headers_to_remove, add: vh.response_headers_to_add },
    ]),
    filters: filterOverrides(vh, e),
  };
  const actions = (e.route ? 1 : 0) + (e.redirect ? 1 : 0) + (e.direct_response ? 1 : 0);
  if (actions !== 1) throw new Error(`${where}: exactly one of route, redirect, direct_response is required`);
  let route: Route;
  if (e.route) {
    route = buildClusterRoute(base, e.route, matcher, random, `${where}.route`);
  } else if (e.redirect) {
    route = buildRedirectRoute(base, e.redirect, matcher, `${where}.redirect`);
  } else {
    const d = e.direct_response!;
    if (!Number.isInteger(d.status) || d.status < 200 || d.status > 599) {
      throw new Error(`${where}.direct_response.status: must be an integer from 200 to 599`);
    }
    route = {
      ...base,
      kind: 'direct_response',
      status: d.status,
      body: Buffer.from(d.body ?? '', 'utf8'),
      headers: (d.headers ?? []).map((h) => ({ ...h, name: h.name.toLowerCase() })),
    };
  }
  return { matcher, route };
}

/** The compiled route table. Immutable; safe to share between listeners using one RouteConfig. */
class CompiledRouter implements Router {
  constructor(private readonly hosts: VirtualHostSelector<CompiledVirtualHost>) {}

  route(req: RouteRequest): Route | null {
    const vh = this.hosts.select(req.authority);
    if (vh === undefined) return null;
    const view = new RequestView(req);
    // First match wins, in config order (Envoy).
    for (const e of vh.entries) if (e.matcher.matches(view)) return e.route;
    return null;
  }
}

/**
 * Compiles `rc` into a Router. Throws an Error whose message starts with the config path
 * (e.g. `route_configs[main].virtual_hosts[0].routes[2].match.safe_regex: invalid regex: …`).
 */
export function buildRouter(rc: RouteConfig, opts: RouterOptions = {}): Router {
  const random = opts.random ?? Math.random;
  const hosts = new VirtualHostSelector<CompiledVirtualHost>();
  rc.virtual_hosts.forEach((vh, vi) => {
    const where = `route_configs[${rc.name}].virtual_hosts[${vi}]`;
    const entries = vh.routes.map((e, ri) => buildEntry(vh, e, ri, random, `${where}.routes[${ri}]`));
    const err = hosts.add(vh.domains, { name: vh.name, entries });
    if (err !== undefined) throw new Error(`${where}.domains: ${err}`);
  });
  return new CompiledRouter(hosts);
}
