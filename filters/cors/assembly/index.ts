/**
 * cors: answers CORS preflight requests locally (204) and adds the CORS response headers to
 * cross-origin requests from allowed origins. See README.md for the configuration.
 */
import {
  Counter, FilterHeadersStatus, Header, HttpContext, RootContext, WasmResult, log, parseJson, registerRoot,
} from "sdk/assembly";
import { CorsPolicy, parsePolicy } from "./policy";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

class CorsRoot extends RootContext {
  policy: CorsPolicy = new CorsPolicy();
  preflightsAllowed: Counter | null = null;
  preflightsDenied: Counter | null = null;

  onConfigure(size: u32): bool {
    const cfg = parseJson(this.configurationText());
    if (cfg === null || !cfg.isObject) {
      log.error("cors: configuration must be a JSON object");
      return false;
    }
    const p = parsePolicy(cfg);
    if (p === null) {
      log.error("cors: max_age must be a non-negative number of seconds");
      return false;
    }
    this.policy = p;
    this.preflightsAllowed = new Counter("preflight_allowed");
    this.preflightsDenied = new Counter("preflight_denied");
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new Cors(id, this);
  }
}

class Cors extends HttpContext {
  /** The allowed origin of this (non-preflight) request, or "" when none. */
  origin: string = "";
  /** The response must carry `Vary: Origin`: what it says (or omits) depends on the origin. */
  vary: bool = false;

  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const policy = (this.root as CorsRoot).policy;
    const origin = this.requestHeaders.get("origin");
    if (origin === null) return FilterHeadersStatus.Continue;
    this.vary = policy.variesByOrigin();
    const method = this.requestHeaders.get(":method");
    const requested = this.requestHeaders.get("access-control-request-method");
    if (method == "OPTIONS" && requested !== null) return this.preflight(policy, origin, requested);
    if (policy.allows(origin)) this.origin = origin;
    return FilterHeadersStatus.Continue;
  }

  preflight(policy: CorsPolicy, origin: string, method: string): FilterHeadersStatus {
    const root = this.root as CorsRoot;
    if (!policy.allows(origin) || !policy.allowsMethod(method)) {
      root.preflightsDenied!.increment();
      if (!policy.rejectDisallowedPreflight) return FilterHeadersStatus.Continue;
      this.reply(403, "CORS preflight rejected", [new Header("vary", "Origin")], "cors_preflight_rejected");
      return FilterHeadersStatus.StopIteration;
    }
    root.preflightsAllowed!.increment();
    const h = new Array<Header>();
    h.push(new Header("access-control-allow-origin", policy.allowOriginValue(origin)));
    h.push(new Header("access-control-allow-methods", policy.allowMethods));
    let allowHeaders = policy.allowHeaders;
    if (policy.anyHeader) {
      const asked = this.requestHeaders.get("access-control-request-headers");
      allowHeaders = asked === null ? "" : asked;
    }
    if (allowHeaders.length > 0) h.push(new Header("access-control-allow-headers", allowHeaders));
    if (policy.allowCredentials) h.push(new Header("access-control-allow-credentials", "true"));
    if (policy.maxAge.length > 0) h.push(new Header("access-control-max-age", policy.maxAge));
    h.push(new Header("vary", "Origin"));
    this.reply(204, "", h, "cors_preflight");
    return FilterHeadersStatus.StopIteration;
  }

  /** Answers locally; a refused reply closes the stream rather than leave it hanging. */
  reply(status: u32, body: string, headers: Array<Header>, details: string): void {
    // The local reply passes onResponseHeaders too: its own Vary is enough.
    this.vary = false;
    if (this.sendLocalResponse(status, body, headers, details) != WasmResult.Ok) this.close();
  }

  onResponseHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    if (this.vary) this.addVary();
    if (this.origin.length == 0) return FilterHeadersStatus.Continue;
    const policy = (this.root as CorsRoot).policy;
    this.responseHeaders.set("access-control-allow-origin", policy.allowOriginValue(this.origin));
    if (policy.allowCredentials) this.responseHeaders.set("access-control-allow-credentials", "true");
    if (policy.exposeHeaders.length > 0) this.responseHeaders.set("access-control-expose-headers", policy.exposeHeaders);
    return FilterHeadersStatus.Continue;
  }

  addVary(): void {
    const current = this.responseHeaders.get("vary");
    if (current === null) this.responseHeaders.set("vary", "Origin");
    else if (current.toLowerCase().indexOf("origin") < 0 && current.trim() != "*") this.responseHeaders.set("vary", current + ", Origin");
  }
}

registerRoot("cors", (id: u32): RootContext => new CorsRoot(id));
