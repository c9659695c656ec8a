/**
 * Route matchers, compiled once from `match`: path (prefix / exact / anchored regex), methods,
 * headers and query parameters. `matches()` runs per request: it compiles nothing, parses
 * nothing and allocates nothing beyond what RequestView caches for the whole request.
 */
import type { HeaderMatcherConfig, QueryParameterMatcherConfig, RouteMatchConfig } from '../config/types.js';
import type { RequestView } from './request-view.js';

/** Which path condition a route uses; rewrites need to know what was matched. */
export type PathMatchKind = 'prefix' | 'path' | 'safe_regex';

interface ValueMatcher {
  name: string;
  /** 0: present, 1: exact, 2: regex, 3: absent (present: false). */
  op: 0 | 1 | 2 | 3;
  exact: string;
  regex: RegExp | undefined;
  invert: boolean;
}

/** Compiles a regex the config gives, fully anchored. Throws (at load) on a bad pattern. */
export function anchoredRegex(source: string, caseSensitive: boolean, where: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, caseSensitive ? '' : 'i');
  } catch (e) {
    throw new Error(`${where}: invalid regex: ${(e as Error).message}`);
  }
}

/** ASCII case-insensitive `s.startsWith(lowerPrefix)`; `lowerPrefix` is already lower-case. */
function startsWithFolded(s: string, lowerPrefix: string): boolean {
  if (s.length < lowerPrefix.length) return false;
  for (let i = 0; i < lowerPrefix.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}

function compileValueMatcher(
  m: HeaderMatcherConfig | QueryParameterMatcherConfig,
  invert: boolean,
  lowerName: boolean,
  where: string,
): ValueMatcher {
  const name = lowerName ? m.name.toLowerCase() : m.name;
  if (m.exact !== undefined) return { name, op: 1, exact: m.exact, regex: undefined, invert };
  if (m.regex !== undefined) return { name, op: 2, exact: '', regex: anchoredRegex(m.regex, true, `${where}.regex`), invert };
  return { name, op: m.present === false ? 3 : 0, exact: '', regex: undefined, invert };
}

function valueMatches(m: ValueMatcher, v: string | undefined): boolean {
  let ok: boolean;
  switch (m.op) {
    case 0:
      ok = v !== undefined;
      break;
    case 1:
      ok = v === m.exact;
      break;
    case 2:
      ok = v !== undefined && m.regex!.test(v);
      break;
    default:
      ok = v === undefined;
  }
  return ok !== m.invert;
}

/** A compiled `match` block. */
export class RouteMatcher {
  readonly kind: PathMatchKind;
  /** The prefix or exact path, lower-cased when not case sensitive; "" for regex. */
  readonly value: string;
  private readonly caseSensitive: boolean;
  private readonly regex: RegExp | undefined;
  private readonly methods: readonly string[] | undefined;
  private readonly headers: readonly ValueMatcher[] | undefined;
  private readonly query: readonly ValueMatcher[] | undefined;

  /** `where` is the config path used in load-time errors. */
  constructor(cfg: RouteMatchConfig, where: string) {
    this.caseSensitive = cfg.case_sensitive !== false;
    const kinds = (cfg.prefix !== undefined ? 1 : 0) + (cfg.path !== undefined ? 1 : 0) + (cfg.safe_regex !== undefined ? 1 : 0);
    if (kinds !== 1) throw new Error(`${where}: exactly one of prefix, path, safe_regex is required`);
    if (cfg.prefix !== undefined) {
      this.kind = 'prefix';
      this.value = this.caseSensitive ? cfg.prefix : cfg.prefix.toLowerCase();
    } else if (cfg.path !== undefined) {
      this.kind = 'path';
      this.value = this.caseSensitive ? cfg.path : cfg.path.toLowerCase();
    } else {
      this.kind = 'safe_regex';
      this.value = '';
      this.regex = anchoredRegex(cfg.safe_regex!, this.caseSensitive, `${where}.safe_regex`);
    }
    // HTTP methods are case-sensitive tokens; node hands them over upper-case.
    this.methods = cfg.methods && cfg.methods.length > 0 ? cfg.methods.map((m) => m.toUpperCase()) : undefined;
    this.headers =
      cfg.headers && cfg.headers.length > 0
        ? cfg.headers.map((h, i) => compileValueMatcher(h, h.invert === true, true, `${where}.headers[${i}]`))
        : undefined;
    this.query =
      cfg.query_parameters && cfg.query_parameters.length > 0
        ? cfg.query_parameters.map((q, i) => compileValueMatcher(q, false, false, `${where}.query_parameters[${i}]`))
        : undefined;
  }

  /** Whether the request matches every condition. Cheapest checks first. */
  matches(v: RequestView): boolean {
    if (!this.pathMatches(v)) return false;
    if (this.methods !== undefined && !this.methods.includes(v.req.method)) return false;
    if (this.headers !== undefined) {
      for (const h of this.headers) if (!valueMatches(h, v.header(h.name))) return false;
    }
    if (this.query !== undefined) {
      for (const q of this.query) if (!valueMatches(q, v.queryParam(q.name))) return false;
    }
    return true;
  }

  private pathMatches(v: RequestView): boolean {
    const path = v.req.path;
    switch (this.kind) {
      case 'prefix':
        // The prefix is matched on the path only: a prefix never reaches into the query.
        if (this.value.length > v.pathEnd) return false;
        return this.caseSensitive ? path.startsWith(this.value) : startsWithFolded(path, this.value);
      case 'path':
        if (this.value.length !== v.pathEnd) return false;
        return this.caseSensitive ? path.startsWith(this.value) : startsWithFolded(path, this.value);
      default:
        return this.regex!.test(v.pathOnly());
    }
  }
}
