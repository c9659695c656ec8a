/**
 * The CORS policy parsed from configuration, and origin matching (exact or `*` glob patterns).
 */
import { JsonValue } from "sdk/assembly";

/** Whether `text` matches `pattern`, where `*` matches any run of characters. */
export function globMatch(pattern: string, text: string): bool {
  let p = 0, t = 0, star = -1, mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern.charCodeAt(p) == 42) {
      star = p++;
      mark = t;
    } else if (p < pattern.length && pattern.charCodeAt(p) == text.charCodeAt(t)) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) == 42) p++;
  return p == pattern.length;
}

/** The documented allow_methods default: the methods of RFC 9110 a browser may send cross-origin
 * except CONNECT and TRACE, which a preflight must not get approved by accident. */
const DEFAULT_METHODS: Array<string> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** Parsed configuration. */
export class CorsPolicy {
  allowOrigins: Array<string> = new Array<string>();
  originPatterns: Array<string> = new Array<string>();
  anyOrigin: bool = false;
  allowMethods: string = DEFAULT_METHODS.join(", ");
  /** Methods a preflight may ask for; never empty (an unset allow_methods means the defaults). */
  methodList: Array<string> = DEFAULT_METHODS.slice(0);
  allowHeaders: string = "";
  /** allow_headers is ["*"]: echo what the preflight asks for. */
  anyHeader: bool = false;
  exposeHeaders: string = "";
  allowCredentials: bool = false;
  maxAge: string = "";
  /** Answer a preflight from a disallowed origin with 403 instead of passing it on. */
  rejectDisallowedPreflight: bool = true;

  /** Whether `origin` is allowed. */
  allows(origin: string): bool {
    if (this.anyOrigin) return true;
    if (this.allowOrigins.includes(origin)) return true;
    for (let i = 0; i < this.originPatterns.length; i++) if (globMatch(this.originPatterns[i], origin)) return true;
    return false;
  }

  /** Whether `method` may be used cross-origin. */
  allowsMethod(method: string): bool {
    return this.methodList.includes(method.toUpperCase());
  }

  /** Whether the CORS headers of a response depend on the request's Origin (caches must vary). */
  variesByOrigin(): bool {
    return !this.anyOrigin || this.allowCredentials;
  }

  /** The Access-Control-Allow-Origin value for an allowed `origin`. */
  allowOriginValue(origin: string): string {
    // "*" cannot be combined with credentials (Fetch standard): echo the origin then.
    return this.anyOrigin && !this.allowCredentials ? "*" : origin;
  }
}

function joinList(list: Array<string>): string {
  return list.join(", ");
}

/** Builds the policy; null when a field has the wrong type. */
export function parsePolicy(cfg: JsonValue): CorsPolicy | null {
  const p = new CorsPolicy();
  const origins = cfg.getStringList("allow_origins");
  for (let i = 0; i < origins.length; i++) {
    if (origins[i] == "*") p.anyOrigin = true;
    else p.allowOrigins.push(origins[i]);
  }
  p.originPatterns = cfg.getStringList("allow_origin_patterns");
  if (cfg.has("allow_methods")) {
    const m = cfg.getStringList("allow_methods");
    p.methodList = new Array<string>();
    for (let i = 0; i < m.length; i++) p.methodList.push(m[i].toUpperCase());
    p.allowMethods = joinList(p.methodList);
  }
  const headers = cfg.getStringList("allow_headers");
  if (headers.includes("*")) p.anyHeader = true;
  else p.allowHeaders = joinList(headers);
  p.exposeHeaders = joinList(cfg.getStringList("expose_headers"));
  p.allowCredentials = cfg.getBool("allow_credentials", false);
  if (cfg.has("max_age")) {
    const n = cfg.getNumber("max_age", -1);
    if (n < 0) return null;
    p.maxAge = (<i64>n).toString();
  }
  p.rejectDisallowedPreflight = cfg.getBool("reject_disallowed_preflight", true);
  return p;
}
