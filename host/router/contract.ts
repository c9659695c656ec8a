/**
 * Router contract: a route table compiled once from a RouteConfig, matched per request.
 * Matching is allocation-light: no regex is compiled, no config parsed, per request.
 */
import type { HeaderValueOption, RouteFilterOverride } from '../config/types.js';

/** What the router needs to know about a request. `headers` is node's lower-cased header object. */
export interface RouteRequest {
  /** Host header / :authority, possibly with a port. */
  authority: string;
  /** Request-target: path plus optional "?query". */
  path: string;
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RetryPolicy {
  retryOn5xx: boolean;
  /** 502, 503, 504 only. */
  retryOnGatewayError: boolean;
  retryOnConnectFailure: boolean;
  retryOnReset: boolean;
  retryOnRetriable4xx: boolean;
  numRetries: number;
  /** 0 = only the route timeout applies. */
  perTryTimeoutMs: number;
  baseIntervalMs: number;
  maxIntervalMs: number;
}

/** Compiled header mutations, applied in order: remove, then add/set. */
export interface HeaderMutations {
  remove: readonly string[];
  add: readonly HeaderValueOption[];
}

interface RouteBase {
  /** The route's name (config `name`, else "<vhost>/<index>"). */
  readonly name: string;
  readonly virtualHostName: string;
  /** Request headers to change before forwarding (virtual host's, then route's). */
  readonly requestHeaders: HeaderMutations | undefined;
  /** Response headers to change before answering (route's, then virtual host's). */
  readonly responseHeaders: HeaderMutations | undefined;
  /** Per-route filter overrides keyed by filter name. */
  readonly filters: Readonly<Record<string, RouteFilterOverride>> | undefined;
}

export interface ClusterRoute extends RouteBase {
  readonly kind: 'cluster';
  /** Picks the cluster (fixed, or by weight for weighted_clusters). */
  pickCluster(): string;
  /** Every cluster this route may send to (validation, admin). */
  readonly clusterNames: readonly string[];
  /** Upstream request-target after prefix_rewrite / regex_rewrite (query kept). Identity when none. */
  rewritePath(path: string): string;
  /** Host header to send upstream, or undefined to keep the downstream one. */
  readonly hostRewrite: string | undefined;
  /** Whole-request timeout in ms; 0 = none. */
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy | undefined;
  /** 32-bit hash for ring_hash / maglev from the route's hash_policy, or undefined (LB picks at random). */
  computeHash(req: RouteRequest, sourceIp: string): number | undefined;
}

export interface RedirectRoute extends RouteBase {
  readonly kind: 'redirect';
  readonly status: number;
  /** Location header for this request; `scheme` is the downstream scheme. */
  location(req: RouteRequest, scheme: string): string;
}

export interface DirectResponseRoute extends RouteBase {
  readonly kind: 'direct_response';
  readonly status: number;
  readonly body: Buffer;
  readonly headers: readonly HeaderValueOption[];
}

export type Route = ClusterRoute | RedirectRoute | DirectResponseRoute;

export interface Router {
  /** First matching route of the first matching virtual host, or null (→ 404 NR). */
  route(req: RouteRequest): Route | null;
}
