/**
 * The `route` action: a fixed cluster or weighted_clusters, with rewrites, timeout, retries and
 * hash policy, all compiled when the router is built.
 */
import type { RouteActionConfig, RouteFilterOverride } from '../config/types.js';
import type { ClusterRoute, HeaderMutations, RetryPolicy, RouteRequest } from './contract.js';
import type { RouteMatcher } from './match.js';
import { compileHashPolicy, type HashComputer } from './hash-policy.js';
import { compilePathRewrite, type PathRewriter } from './path-rewrite.js';
import { compileRetryPolicy, compileTimeout } from './retry-policy.js';

/** Fields every route kind carries, computed by the builder. */
export interface RouteBaseFields {
  readonly name: string;
  readonly virtualHostName: string;
  readonly requestHeaders: HeaderMutations | undefined;
  readonly responseHeaders: HeaderMutations | undefined;
  readonly filters: Readonly<Record<string, RouteFilterOverride>> | undefined;
}

/**
 * Picks among weighted clusters with `random()` in [0, 1): cluster i gets weight_i / total of
 * the picks. Cumulative weights are precomputed; a pick is a short linear scan.
 */
export function weightedPicker(clusters: readonly { name: string; weight: number }[], random: () => number, where: string): () => string {
  const names: string[] = [];
  const upTo: number[] = [];
  let total = 0;
  clusters.forEach((c, i) => {
    if (!(c.weight >= 0) || !Number.isFinite(c.weight)) throw new Error(`${where}[${i}].weight: must be a number ≥ 0`);
    // Weight 0 keeps a cluster listed (clusterNames) but never picked.
    if (c.weight === 0) return;
    total += c.weight;
    names.push(c.name);
    upTo.push(total);
  });
  if (total === 0) throw new Error(`${where}: at least one cluster needs a weight above 0`);
  const last = names.length - 1;
  return () => {
    const r = random() * total;
    for (let i = 0; i < last; i++) if (r < upTo[i]!) return names[i]!;
    return names[last]!;
  };
}

class CompiledClusterRoute implements ClusterRoute {
  readonly kind = 'cluster' as const;
  readonly name: string;
  readonly virtualHostName: string;
  readonly requestHeaders: HeaderMutations | undefined;
  readonly responseHeaders: HeaderMutations | undefined;
  readonly filters: Readonly<Record<string, RouteFilterOverride>> | undefined;
  readonly clusterNames: readonly string[];
  readonly hostRewrite: string | undefined;
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy | undefined;
  readonly pickCluster: () => string;
  readonly rewritePath: PathRewriter;
  private readonly hash: HashComputer;

  constructor(
    base: RouteBaseFields,
    clusterNames: readonly string[],
    pick: () => string,
    rewrite: PathRewriter,
    action: RouteActionConfig,
    hash: HashComputer,
    where: string,
  ) {
    this.name = base.name;
    this.virtualHostName = base.virtualHostName;
    this.requestHeaders = base.requestHeaders;
    this.responseHeaders = base.responseHeaders;
    this.filters = base.filters;
    this.clusterNames = clusterNames;
    this.pickCluster = pick;
    this.rewritePath = rewrite;
    this.hostRewrite = action.host_rewrite;
    this.timeoutMs = compileTimeout(action.timeout, `${where}.timeout`);
    this.retryPolicy = compileRetryPolicy(action.retry_policy, `${where}.retry_policy`);
    this.hash = hash;
  }

  computeHash(req: RouteRequest, sourceIp: string): number | undefined {
    return this.hash(req, sourceIp);
  }
}

/** Compiles one `route` action; `where` is its config path for load errors. */
export function buildClusterRoute(
  base: RouteBaseFields,
  action: RouteActionConfig,
  matcher: RouteMatcher,
  random: () => number,
  where: string,
): ClusterRoute {
  let pick: () => string;
  let names: string[];
  if (action.cluster !== undefined && action.weighted_clusters === undefined) {
    const cluster = action.cluster;
    pick = () => cluster;
    names = [cluster];
  } else if (action.weighted_clusters !== undefined && action.cluster === undefined) {
    const list = action.weighted_clusters.clusters;
    pick = weightedPicker(list, random, `${where}.weighted_clusters.clusters`);
    names = list.map((c) => c.name);
  } else {
    throw new Error(`${where}: exactly one of cluster, weighted_clusters is required`);
  }
  const rewrite = compilePathRewrite(action, matcher.kind, matcher.value, where);
  const hash = compileHashPolicy(action.hash_policy, `${where}.hash_policy`);
  return new CompiledClusterRoute(base, names, pick, rewrite, action, hash, where);
}
