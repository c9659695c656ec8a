/**
 * key-auth: requires an API key (header, or query parameter when configured) matching one of
 * the configured keys, forwards the key's consumer name upstream and hides the key. Keys may be
 * stored as SHA-256 hex digests. Anything else gets 401. See README.md for the configuration.
 */
import {
  Counter, FilterHeadersStatus, Header, HttpContext, RootContext, bytesOf, log, parseJson, registerRoot, sha256, toHex,
  WasmResult,
} from "sdk/assembly";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

class KeyAuthRoot extends RootContext {
  /** key (plain) or "sha256:<hex>" → consumer. */
  plain: Map<string, string> = new Map<string, string>();
  hashed: Map<string, string> = new Map<string, string>();
  header: string = "x-api-key";
  query: string = "";
  consumerHeader: string = "x-consumer";
  hideCredentials: bool = true;
  allowed: Counter | null = null;
  denied: Counter | null = null;

  onConfigure(size: u32): bool {
    const cfg = parseJson(this.configurationText());
    if (cfg === null || !cfg.isObject) {
      log.error("key-auth: configuration must be a JSON object");
      return false;
    }
    const keys = cfg.getArray("keys");
    if (keys === null || keys.length == 0) {
      log.error("key-auth: keys must be a non-empty list");
      return false;
    }
    const plain = new Map<string, string>();
    const hashed = new Map<string, string>();
    for (let i = 0; i < keys.length; i++) {
      const k = keys.at(i)!;
      const consumer = k.getString("consumer");
      const key = k.getString("key");
      const digest = k.getString("key_sha256").toLowerCase();
      if (consumer.length == 0 || (key.length == 0) == (digest.length == 0)) {
        log.error("key-auth: keys[" + i.toString() + "] needs a consumer and exactly one of key, key_sha256");
        return false;
      }
      if (key.length > 0) plain.set(key, consumer);
      else hashed.set(digest, consumer);
    }
    this.plain = plain;
    this.hashed = hashed;
    this.header = cfg.getString("header", "x-api-key").toLowerCase();
    this.query = cfg.getString("query", "");
    this.consumerHeader = cfg.getString("consumer_header", "x-consumer").toLowerCase();
    this.hideCredentials = cfg.getBool("hide_credentials", true);
    this.allowed = new Counter("allowed");
    this.denied = new Counter("denied");
    return true;
  }

  /** Consumer for `key`, or null. */
  consumerOf(key: string): string | null {
    if (this.plain.has(key)) return this.plain.get(key);
    if (this.hashed.size > 0) {
      const digest = toHex(sha256(bytesOf(key)));
      if (this.hashed.has(digest)) return this.hashed.get(digest);
    }
    return null;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new KeyAuth(id, this);
  }
}

/** Value of query parameter `name` in `path` (no percent-decoding), or null. */
function queryParam(path: string, name: string): string | null {
  const q = path.indexOf("?");
  if (q < 0) return null;
  const pairs = path.substring(q + 1).split("&");
  for (let i = 0; i < pairs.length; i++) {
    const eq = pairs[i].indexOf("=");
    const k = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
    if (k == name) return eq < 0 ? "" : pairs[i].substring(eq + 1);
  }
  return null;
}

/** `path` without query parameter `name`. */
function withoutParam(path: string, name: string): string {
  const q = path.indexOf("?");
  if (q < 0) return path;
  const kept = new Array<string>();
  const pairs = path.substring(q + 1).split("&");
  for (let i = 0; i < pairs.length; i++) {
    const eq = pairs[i].indexOf("=");
    const k = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
    if (k != name) kept.push(pairs[i]);
  }
  const base = path.substring(0, q);
  return kept.length == 0 ? base : base + "?" + kept.join("&");
}

class KeyAuth extends HttpContext {
  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as KeyAuthRoot;
    let key = this.requestHeaders.get(root.header);
    let fromQuery = false;
    const path = this.requestHeaders.get(":path");
    if (key === null && root.query.length > 0 && path !== null) {
      key = queryParam(path, root.query);
      fromQuery = key !== null;
    }
    if (key === null || key.length == 0) return this.reject("missing API key");
    const consumer = root.consumerOf(key);
    if (consumer === null) return this.reject("invalid API key");
    root.allowed!.increment();
    // Never let a client choose its own consumer name.
    this.requestHeaders.set(root.consumerHeader, consumer);
    if (root.hideCredentials) {
      if (fromQuery) this.requestHeaders.set(":path", withoutParam(path!, root.query));
      else this.requestHeaders.remove(root.header);
    }
    return FilterHeadersStatus.Continue;
  }

  reject(why: string): FilterHeadersStatus {
    (this.root as KeyAuthRoot).denied!.increment();
    const challenge = [new Header("www-authenticate", "Key realm=\"sluice\"")];
    // Denied must never mean a request left hanging: close if the reply is refused.
    if (this.sendLocalResponse(401, why + "\n", challenge, "key_auth_denied") != WasmResult.Ok) this.close();
    return FilterHeadersStatus.StopIteration;
  }
}

registerRoot("key-auth", (id: u32): RootContext => new KeyAuthRoot(id));
