/**
 * local-ratelimit: a token bucket per key (client IP, a header's value, the route, or one
 * global bucket), shared across streams through shared data. Over the limit: 429 with
 * Retry-After; every answer carries x-ratelimit-limit / -remaining / -reset.
 * See README.md for the configuration.
 */
import {
  Counter, FilterHeadersStatus, Header, HttpContext, RootContext, WasmResult, clientIp, getPropertyString, log, nowMillis,
  parseJson, registerRoot,
} from "sdk/assembly";
import { BucketSpec, Take, fnv1a, takeToken } from "./bucket";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

enum KeyKind { ClientIp, Header, Route, Global }

function ceilSeconds(ms: i64): i64 {
  return ms <= 0 ? 0 : (ms + 999) / 1000;
}

class RateLimitRoot extends RootContext {
  kind: KeyKind = KeyKind.ClientIp;
  header: string = "";
  spec: BucketSpec = new BucketSpec(1, 1, 1000);
  status: u32 = 429;
  emitHeaders: bool = true;
  prefix: string = "rl:";
  slots: u32 = 65536;
  limited: Counter | null = null;

  onConfigure(size: u32): bool {
    const text = this.configurationText();
    const cfg = parseJson(text);
    if (cfg === null || !cfg.isObject) {
      log.error("local-ratelimit: configuration must be a JSON object");
      return false;
    }
    const key = cfg.getString("key", "client_ip");
    if (key == "client_ip") this.kind = KeyKind.ClientIp;
    else if (key == "header") this.kind = KeyKind.Header;
    else if (key == "route") this.kind = KeyKind.Route;
    else if (key == "global") this.kind = KeyKind.Global;
    else {
      log.error("local-ratelimit: key must be client_ip, header, route or global");
      return false;
    }
    this.header = cfg.getString("header").toLowerCase();
    if (this.kind == KeyKind.Header && this.header.length == 0) {
      log.error("local-ratelimit: key 'header' needs header");
      return false;
    }
    const max = cfg.getNumber("max_tokens", 0);
    const perFill = cfg.getNumber("tokens_per_fill", max);
    const interval = cfg.getNumber("fill_interval_ms", 1000);
    if (max < 1 || perFill < 1 || interval < 1) {
      log.error("local-ratelimit: max_tokens, tokens_per_fill and fill_interval_ms must be >= 1");
      return false;
    }
    this.spec = new BucketSpec(<i64>max, <i64>perFill, <i64>interval);
    const status = cfg.getNumber("status", 429);
    if (status < 200 || status > 599 || status != Math.floor(status)) {
      log.error("local-ratelimit: status must be an HTTP status (200-599)");
      return false;
    }
    this.status = <u32>status;
    const slots = cfg.getNumber("max_keys", 65536);
    if (slots < 1 || slots > 16777216 || slots != Math.floor(slots)) {
      log.error("local-ratelimit: max_keys must be an integer from 1 to 16777216");
      return false;
    }
    this.slots = <u32>slots;
    this.emitHeaders = cfg.getBool("response_headers", true);
    // Filters without their own vm_id share one store: keep each configuration's buckets apart
    // (filter name plus a hash of the configuration), unless `name` asks to share on purpose.
    let ns = cfg.getString("name");
    if (ns.length == 0) {
      const plugin = getPropertyString("plugin_name");
      ns = (plugin === null ? this.rootId : plugin) + "/" + fnv1a(text).toString(16);
    }
    this.prefix = "rl:" + ns + ":";
    this.limited = new Counter("limited");
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new RateLimit(id, this);
  }
}

class RateLimit extends HttpContext {
  take: Take | null = null;

  bucketKey(root: RateLimitRoot): string {
    switch (root.kind) {
      case KeyKind.ClientIp: {
        const ip = clientIp();
        return ip === null ? "-" : ip;
      }
      case KeyKind.Header: {
        const v = this.requestHeaders.get(root.header);
        return v === null ? "-" : v;
      }
      case KeyKind.Route: {
        let r = getPropertyString("xds.route_name");
        if (r === null) r = getPropertyString("route_name");
        return r === null ? "-" : r;
      }
      default: return "*";
    }
  }

  rateHeaders(root: RateLimitRoot, take: Take): Array<Header> {
    const h = new Array<Header>();
    h.push(new Header("x-ratelimit-limit", root.spec.maxTokens.toString()));
    h.push(new Header("x-ratelimit-remaining", take.remaining.toString()));
    h.push(new Header("x-ratelimit-reset", ceilSeconds(take.msToFill).toString()));
    return h;
  }

  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as RateLimitRoot;
    const take = takeToken(root.prefix, this.bucketKey(root), root.slots, root.spec, <i64>nowMillis());
    if (take.allowed) {
      this.take = take;
      return FilterHeadersStatus.Continue;
    }
    root.limited!.increment();
    const h = root.emitHeaders ? this.rateHeaders(root, take) : new Array<Header>();
    const retry = ceilSeconds(take.msToFill);
    h.push(new Header("retry-after", (retry < 1 ? 1 : retry).toString()));
    // A refused reply must not leave the request hanging: limited means not forwarded.
    if (this.sendLocalResponse(root.status, "rate limited\n", h, "local_rate_limited") != WasmResult.Ok) this.close();
    return FilterHeadersStatus.StopIteration;
  }

  onResponseHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as RateLimitRoot;
    const take = this.take;
    if (take === null || !root.emitHeaders) return FilterHeadersStatus.Continue;
    const h = this.rateHeaders(root, take);
    for (let i = 0; i < h.length; i++) this.responseHeaders.set(h[i].name, h[i].value);
    return FilterHeadersStatus.Continue;
  }
}

registerRoot("local-ratelimit", (id: u32): RootContext => new RateLimitRoot(id));
