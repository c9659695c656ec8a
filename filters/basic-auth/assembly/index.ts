/**
 * basic-auth: HTTP Basic authentication (RFC 7617) against users whose passwords are stored
 * as SHA-256 hex digests; forwards the user's consumer name upstream, strips the credentials,
 * answers 401 with a challenge otherwise. See README.md for the configuration.
 */
import {
  Counter, FilterHeadersStatus, Header, HttpContext, RootContext, base64Decode, bytesOf, constantTimeEqual, log,
  parseJson, registerRoot, sha256, textOf, WasmResult,
} from "sdk/assembly";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

/** Parses 64 hex digits; null when malformed. */
function fromHex(s: string): Uint8Array | null {
  if (s.length != 64) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i);
    let d = -1;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    if (d < 0) return null;
    out[i >> 1] = <u8>((out[i >> 1] << 4) | d);
  }
  return out;
}

class User {
  constructor(public digest: Uint8Array, public consumer: string) {}
}

class BasicAuthRoot extends RootContext {
  users: Map<string, User> = new Map<string, User>();
  realm: string = "sluice";
  consumerHeader: string = "x-consumer";
  hideCredentials: bool = true;
  allowed: Counter | null = null;
  denied: Counter | null = null;

  onConfigure(size: u32): bool {
    const cfg = parseJson(this.configurationText());
    if (cfg === null || !cfg.isObject) {
      log.error("basic-auth: configuration must be a JSON object");
      return false;
    }
    const list = cfg.getArray("users");
    if (list === null || list.length == 0) {
      log.error("basic-auth: users must be a non-empty list");
      return false;
    }
    const users = new Map<string, User>();
    for (let i = 0; i < list.length; i++) {
      const u = list.at(i)!;
      const name = u.getString("username");
      const digest = fromHex(u.getString("password_sha256"));
      if (name.length == 0 || name.includes(":") || digest === null) {
        log.error("basic-auth: users[" + i.toString() + "] needs a username (no ':') and a 64-digit password_sha256");
        return false;
      }
      users.set(name, new User(digest, u.getString("consumer", name)));
    }
    this.users = users;
    this.realm = cfg.getString("realm", "sluice");
    this.consumerHeader = cfg.getString("consumer_header", "x-consumer").toLowerCase();
    this.hideCredentials = cfg.getBool("hide_credentials", true);
    this.allowed = new Counter("allowed");
    this.denied = new Counter("denied");
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new BasicAuth(id, this);
  }
}

class BasicAuth extends HttpContext {
  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const root = this.root as BasicAuthRoot;
    const auth = this.requestHeaders.get("authorization");
    if (auth === null) return this.reject(root, "missing credentials");
    if (auth.length < 6 || auth.substring(0, 6).toLowerCase() != "basic ") return this.reject(root, "not basic credentials");
    const decoded = base64Decode(auth.substring(6).trim());
    if (decoded === null) return this.reject(root, "malformed credentials");
    const pair = textOf(decoded);
    const colon = pair.indexOf(":");
    if (colon < 0) return this.reject(root, "malformed credentials");
    const name = pair.substring(0, colon);
    const password = pair.substring(colon + 1);
    const digest = sha256(bytesOf(password));
    if (!root.users.has(name) || !constantTimeEqual(root.users.get(name).digest, digest)) {
      return this.reject(root, "invalid credentials");
    }
    root.allowed!.increment();
    this.requestHeaders.set(root.consumerHeader, root.users.get(name).consumer);
    if (root.hideCredentials) this.requestHeaders.remove("authorization");
    return FilterHeadersStatus.Continue;
  }

  reject(root: BasicAuthRoot, why: string): FilterHeadersStatus {
    root.denied!.increment();
    const challenge = "Basic realm=\"" + root.realm + "\", charset=\"UTF-8\"";
    // Denied must never mean a request left hanging: close if the reply is refused.
    if (this.sendLocalResponse(401, why + "\n", [new Header("www-authenticate", challenge)], "basic_auth_denied") != WasmResult.Ok) this.close();
    return FilterHeadersStatus.StopIteration;
  }
}

registerRoot("basic-auth", (id: u32): RootContext => new BasicAuthRoot(id));
