/**
 * Semantic checks on route configs that a schema cannot express: regexes that compile, domains
 * claimed by one virtual host only, weights that can pick something, and conflicting options.
 */
import { durationMs } from './duration.js';
import type { ConfigError } from './errors.js';
import type { HeaderMatcherConfig, QueryParameterMatcherConfig, SluiceConfig } from './types.js';
import { pathOf, routeConfigsAt, routesAt } from './walk.js';

/** Compiles a regex the way the router will; the reason when it does not compile. */
function regexError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    // V8: "Invalid regular expression: /(/: Unterminated group" → "Unterminated group".
    const message = (err as Error).message;
    const cut = message.lastIndexOf(': ');
    return cut >= 0 ? message.slice(cut + 2) : message;
  }
}

function checkRegex(pattern: string | undefined, path: string, out: ConfigError[]): void {
  if (pattern === undefined) return;
  const reason = regexError(pattern);
  if (reason !== undefined) out.push({ path, message: `invalid regex: ${reason}` });
}

/** Header and query matchers: at most one of exact, present, regex; regex must compile. */
function checkMatchers(
  matchers: readonly (HeaderMatcherConfig | QueryParameterMatcherConfig)[] | undefined,
  listPath: string,
  out: ConfigError[],
): void {
  matchers?.forEach((m, i) => {
    const path = pathOf(listPath, i);
    const set = (['exact', 'present', 'regex'] as const).filter((k) => m[k] !== undefined);
    if (set.length > 1) out.push({ path, message: `needs at most one of exact, present, regex (has ${set.join(', ')})` });
    checkRegex(m.regex, pathOf(path, 'regex'), out);
  });
}

/** Invalid regexes in matches and rewrites. */
export function checkRegexes(config: SluiceConfig): ConfigError[] {
  const out: ConfigError[] = [];
  for (const { route, path } of routesAt(config)) {
    checkRegex(route.match.safe_regex, pathOf(path, 'match', 'safe_regex'), out);
    checkMatchers(route.match.headers, pathOf(path, 'match', 'headers'), out);
    checkMatchers(route.match.query_parameters, pathOf(path, 'match', 'query_parameters'), out);
    checkRegex(route.route?.regex_rewrite?.pattern, pathOf(path, 'route', 'regex_rewrite', 'pattern'), out);
  }
  return out;
}

/** Domain patterns: one wildcard at most, first or last; each domain in one virtual host. */
export function checkDomains(config: SluiceConfig): ConfigError[] {
  const out: ConfigError[] = [];
  for (const { routeConfig, path: rcPath } of routeConfigsAt(config)) {
    const owner = new Map<string, string>();
    routeConfig.virtual_hosts.forEach((vh, v) => {
      const own = new Set<string>();
      vh.domains.forEach((domain, d) => {
        const path = pathOf(rcPath, 'virtual_hosts', v, 'domains', d);
        const stars = domain.split('*').length - 1;
        if (stars > 1 || (stars === 1 && !domain.startsWith('*') && !domain.endsWith('*'))) {
          out.push({ path, message: `wildcard '*' may appear once, as the first or last character` });
        }
        // Host matching is case-insensitive, so "API.example.com" and "api.example.com" collide.
        const key = domain.toLowerCase();
        const other = owner.get(key);
        if (other !== undefined && !own.has(key)) {
          out.push({ path, message: `domain '${domain}' is also in virtual host '${other}'` });
        }
        own.add(key);
        if (other === undefined) owner.set(key, vh.name);
      });
    });
  }
  return out;
}

/** Weighted clusters that can pick nothing, retry back-off and redirect conflicts. */
export function checkActions(config: SluiceConfig): ConfigError[] {
  const out: ConfigError[] = [];
  for (const { route, path } of routesAt(config)) {
    const wc = route.route?.weighted_clusters;
    if (wc && wc.clusters.reduce((sum, c) => sum + c.weight, 0) === 0) {
      out.push({ path: pathOf(path, 'route', 'weighted_clusters'), message: 'weights sum to 0; at least one must be positive' });
    }
    const backOff = route.route?.retry_policy?.retry_back_off;
    if (backOff) {
      const backOffPath = pathOf(path, 'route', 'retry_policy', 'retry_back_off');
      const base = durationMs(backOff.base_interval, 25);
      if (backOff.base_interval !== undefined && base <= 0) {
        out.push({ path: pathOf(backOffPath, 'base_interval'), message: 'must be greater than 0' });
      }
      // Envoy's default max is 10 × base; only an explicit max below base is an error.
      if (backOff.max_interval !== undefined && durationMs(backOff.max_interval, 0) < base) {
        out.push({ path: pathOf(backOffPath, 'max_interval'), message: 'must not be less than base_interval' });
      }
    }
    const redirect = route.redirect;
    if (redirect) {
      const redirectPath = pathOf(path, 'redirect');
      if (redirect.https_redirect !== undefined && redirect.scheme_redirect !== undefined) {
        out.push({ path: redirectPath, message: 'needs at most one of https_redirect, scheme_redirect' });
      }
      if (redirect.path_redirect !== undefined && redirect.prefix_rewrite !== undefined) {
        out.push({ path: redirectPath, message: 'needs at most one of path_redirect, prefix_rewrite' });
      }
    }
  }
  return out;
}
