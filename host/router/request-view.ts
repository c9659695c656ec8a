/**
 * One request as the route matchers see it: the path split from its query once, and the query
 * parameters decoded lazily, only when a route with query matchers asks, and at most once.
 * One instance per `Router.route()` call; nothing here outlives the call.
 */
import type { RouteRequest } from './contract.js';

/** Per-request matcher input; built by `Router.route()`, dropped when it returns. */
export class RequestView {
  readonly req: RouteRequest;
  /** Index of the "?" that starts the query, or the path length when there is none. */
  readonly pathEnd: number;
  private pathOnlyValue: string | undefined = undefined;
  private query: Map<string, string> | undefined = undefined;

  constructor(req: RouteRequest) {
    this.req = req;
    const q = req.path.indexOf('?');
    this.pathEnd = q < 0 ? req.path.length : q;
  }

  /** The path without its query (a slice made once, only when a matcher needs the string). */
  pathOnly(): string {
    if (this.pathOnlyValue === undefined) {
      const p = this.req.path;
      this.pathOnlyValue = this.pathEnd === p.length ? p : p.slice(0, this.pathEnd);
    }
    return this.pathOnlyValue;
  }

  /**
   * A request header by lower-case name; several values are matched comma-joined (Envoy).
   * Pseudo-headers `:authority`, `:path` and `:method` read the request line.
   */
  header(name: string): string | undefined {
    if (name.charCodeAt(0) === 58 /* : */) {
      if (name === ':authority') return this.req.authority;
      if (name === ':path') return this.req.path;
      if (name === ':method') return this.req.method;
    }
    const v = this.req.headers[name];
    if (v === undefined || typeof v === 'string') return v;
    return v.join(',');
  }

  /** Decoded value of the first query parameter with this (decoded) name; "" for `?flag`. */
  queryParam(name: string): string | undefined {
    if (this.query === undefined) this.query = parseQuery(this.req.path, this.pathEnd);
    return this.query.get(name);
  }
}

/** Parses `a=1&b&c=%20` after `start` (the "?") into decoded name → first value. */
export function parseQuery(path: string, start: number): Map<string, string> {
  const out = new Map<string, string>();
  let i = start + 1;
  while (i < path.length) {
    let amp = path.indexOf('&', i);
    if (amp < 0) amp = path.length;
    // A fragment never reaches a server, but stop at one should a client send it.
    const hash = path.indexOf('#', i);
    const end = hash >= 0 && hash < amp ? hash : amp;
    if (end > i) {
      const eq = path.indexOf('=', i);
      const hasValue = eq >= 0 && eq < end;
      const name = decodePercent(path.slice(i, hasValue ? eq : end));
      const value = hasValue ? decodePercent(path.slice(eq + 1, end)) : '';
      // The first occurrence wins, as in Envoy's query parsing.
      if (!out.has(name)) out.set(name, value);
    }
    if (end !== amp) break;
    i = amp + 1;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Percent-decodes a query component. Never throws: a "%" not followed by two hex digits is kept
 * as is, and bytes that are not valid UTF-8 become U+FFFD. "+" is kept (Envoy does the same).
 */
export function decodePercent(s: string): string {
  if (s.indexOf('%') < 0) return s;
  let out = '';
  let run = 0;
  let bytes: Buffer | undefined;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */ && i + 2 < s.length) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        // Collect consecutive escapes so multi-byte UTF-8 sequences decode together.
        if (bytes === undefined) bytes = Buffer.allocUnsafe(s.length);
        bytes[run++] = (hi << 4) | lo;
        i += 3;
        continue;
      }
    }
    if (run > 0) {
      out += bytes!.toString('utf8', 0, run);
      run = 0;
    }
    out += s[i];
    i++;
  }
  if (run > 0) out += bytes!.toString('utf8', 0, run);
  return out;
}
