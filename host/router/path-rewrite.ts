/**
 * Path rewrites of a route action, compiled once: prefix_rewrite (replace the matched prefix or
 * exact path) and regex_rewrite (substitute on the path). Both work on the path only: the query
 * is carried over unchanged.
 */
import type { RouteActionConfig } from '../config/types.js';
import type { PathMatchKind } from './match.js';

/** Returns the rewritten request-target. */
export type PathRewriter = (path: string) => string;

/** The identity, shared by every route without a rewrite. */
export const identityRewrite: PathRewriter = (path) => path;

/**
 * Replaces the first `matchedLength` characters of `path` with `replacement`.
 * When the replacement ends in "/" and the rest starts with "/", one slash is dropped, so
 * prefix "/api" + prefix_rewrite "/" turns "/api/x" into "/x", not "//x". An empty result
 * becomes "/" (a request-target always starts with one).
 */
export function replacePrefix(path: string, matchedLength: number, replacement: string): string {
  let rest = path.slice(matchedLength);
  if (replacement.endsWith('/') && rest.charCodeAt(0) === 47 /* / */) rest = rest.slice(1);
  const out = replacement + rest;
  if (out.length === 0 || out.charCodeAt(0) === 63 /* ? */) return '/' + out;
  return out;
}

/**
 * Compiles the action's rewrite for a route matched by `kind` with `matchValue` (the prefix or
 * exact path). Throws at load for combinations Envoy rejects.
 */
export function compilePathRewrite(
  action: Pick<RouteActionConfig, 'prefix_rewrite' | 'regex_rewrite'>,
  kind: PathMatchKind,
  matchValue: string,
  where: string,
): PathRewriter {
  const { prefix_rewrite: prefix, regex_rewrite: rx } = action;
  if (prefix !== undefined && rx !== undefined) throw new Error(`${where}: prefix_rewrite and regex_rewrite are exclusive`);
  if (prefix !== undefined) {
    if (kind === 'safe_regex') throw new Error(`${where}.prefix_rewrite: needs a prefix or path match, not safe_regex`);
    if (kind === 'prefix') {
      const len = matchValue.length;
      return (path) => replacePrefix(path, len, prefix);
    }
    // An exact path match: the whole path is the matched part.
    return (path) => {
      const q = path.indexOf('?');
      return replacePrefix(path, q < 0 ? path.length : q, prefix);
    };
  }
  if (rx !== undefined) {
    let re: RegExp;
    try {
      // Global: every match is substituted, as Envoy's regex_rewrite does.
      re = new RegExp(rx.pattern, 'g');
    } catch (e) {
      throw new Error(`${where}.regex_rewrite.pattern: invalid regex: ${(e as Error).message}`);
    }
    // Envoy writes groups as \1; accept that too by turning it into JS's $1 once, here.
    const sub = rx.substitution.replace(/\\(\d)/g, '$$$1');
    return (path) => {
      const q = path.indexOf('?');
      if (q < 0) return path.replace(re, sub);
      return path.slice(0, q).replace(re, sub) + path.slice(q);
    };
  }
  return identityRewrite;
}
