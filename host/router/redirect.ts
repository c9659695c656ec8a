/**
 * The `redirect` action, with Envoy's semantics: the Location is the downstream request's URL
 * with scheme, host, port and path replaced as configured.
 *
 * - scheme: scheme_redirect, or "https" for https_redirect, else the downstream scheme.
 * - host: host_redirect, else the request's authority. When the scheme changes, a port that is
 *   the old scheme's default (":80" for http, ":443" for https) is dropped, so
 *   http://a.com:80 → https://a.com rather than https://a.com:80.
 * - port_redirect replaces (or adds) the port.
 * - path: path_redirect replaces the path (a "?" in it also replaces the query), or
 *   prefix_rewrite replaces the matched prefix; the query is kept unless strip_query.
 */
import type { RedirectConfig } from '../config/types.js';
import type { RedirectRoute, RouteRequest } from './contract.js';
import type { RouteBaseFields } from './cluster-route.js';
import type { RouteMatcher } from './match.js';
import { replacePrefix } from './path-rewrite.js';
import { hostEnd } from './virtual-hosts.js';

const REDIRECT_CODES = [301, 302, 303, 307, 308];

/** Authority for the Location: the request's, with the port handled as Envoy does. */
function redirectHost(authority: string, fromScheme: string, toScheme: string, port: string): string {
  const end = hostEnd(authority);
  if (end === authority.length) return authority + port;
  if (port !== '') return authority.slice(0, end) + port;
  if (fromScheme !== toScheme) {
    const p = authority.slice(end);
    if ((fromScheme === 'http' && p === ':80') || (fromScheme === 'https' && p === ':443')) return authority.slice(0, end);
  }
  return authority;
}

/** Compiles one `redirect` action; `where` is its config path for load errors. */
export function buildRedirectRoute(base: RouteBaseFields, cfg: RedirectConfig, matcher: RouteMatcher, where: string): RedirectRoute {
  const status = cfg.response_code ?? 301;
  if (!REDIRECT_CODES.includes(status)) throw new Error(`${where}.response_code: must be one of ${REDIRECT_CODES.join(', ')}`);
  if (cfg.path_redirect !== undefined && cfg.prefix_rewrite !== undefined) {
    throw new Error(`${where}: path_redirect and prefix_rewrite are exclusive`);
  }
  if (cfg.scheme_redirect !== undefined && cfg.https_redirect) {
    throw new Error(`${where}: scheme_redirect and https_redirect are exclusive`);
  }
  if (cfg.prefix_rewrite !== undefined && matcher.kind === 'safe_regex') {
    throw new Error(`${where}.prefix_rewrite: needs a prefix or path match, not safe_regex`);
  }
  const fixedScheme = cfg.https_redirect ? 'https' : cfg.scheme_redirect?.toLowerCase();
  const port = cfg.port_redirect !== undefined ? `:${cfg.port_redirect}` : '';
  const fixedHost = cfg.host_redirect !== undefined ? cfg.host_redirect.slice(0, hostEnd(cfg.host_redirect)) + port : undefined;
  const hostRedirectKeepsPort = cfg.host_redirect !== undefined && cfg.port_redirect === undefined;
  const stripQuery = cfg.strip_query === true;
  const pathRedirect = cfg.path_redirect;
  const pathRedirectHasQuery = pathRedirect !== undefined && pathRedirect.includes('?');
  const prefixRewrite = cfg.prefix_rewrite;
  const prefixLen = matcher.kind === 'prefix' ? matcher.value.length : -1;

  function target(path: string): string {
    const q = path.indexOf('?');
    if (pathRedirect !== undefined) {
      if (pathRedirectHasQuery || stripQuery || q < 0) return pathRedirect;
      return pathRedirect + path.slice(q);
    }
    let out = path;
    if (prefixRewrite !== undefined) out = replacePrefix(path, prefixLen >= 0 ? prefixLen : q < 0 ? path.length : q, prefixRewrite);
    if (stripQuery) {
      const q2 = out.indexOf('?');
      if (q2 >= 0) out = out.slice(0, q2);
    }
    return out;
  }

  return {
    ...base,
    kind: 'redirect',
    status,
    location(req: RouteRequest, scheme: string): string {
      const toScheme = fixedScheme ?? scheme;
      const host =
        fixedHost === undefined
          ? redirectHost(req.authority, scheme, toScheme, port)
          : hostRedirectKeepsPort
            ? cfg.host_redirect!
            : fixedHost;
      return `${toScheme}://${host}${target(req.path)}`;
    },
  };
}
