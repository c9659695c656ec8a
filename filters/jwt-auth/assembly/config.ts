/**
 * The jwt-auth configuration (JSON), parsed once in onConfigure. Every problem is logged with
 * its key and rejects the whole configuration. README.md documents each key.
 */
import { JsonKind, JsonValue, log } from "sdk/assembly";
import { VerifyKey, keyFromConfig, keysFromJwks } from "./keys";

/** A claim forwarded upstream as a request header. */
export class ClaimHeader {
  constructor(public claim: string, public header: string) {}
}

/** Parsed configuration, immutable after onConfigure. */
export class JwtConfig {
  keys: Array<VerifyKey> = new Array<VerifyKey>();
  /** Accepted `alg` values (each key is also bound to one). */
  algorithms: Array<string> = ["HS256", "RS256", "ES256"];
  /** Accepted `iss` values; empty: any. */
  issuers: Array<string> = new Array<string>();
  /** Accepted `aud` values (one must match); empty: any. */
  audiences: Array<string> = new Array<string>();
  /** Seconds of leeway on exp and nbf. */
  clockSkew: i64 = 60;
  requireExp: bool = true;
  /** Extra request header carrying the token ("" none), lower case. */
  header: string = "";
  /** Query parameter carrying the token ("" none). */
  query: string = "";
  claimHeaders: Array<ClaimHeader> = new Array<ClaimHeader>();
  realm: string = "sluice";
  /** Keep the token in the request sent upstream. */
  forwardToken: bool = false;
  /** Ask the host (`sluice.crypto.verify`) for RS256 / ES256 before verifying in the filter. */
  hostCrypto: bool = true;
}

const SUPPORTED: Array<string> = ["HS256", "RS256", "ES256"];

function bad(why: string): JwtConfig | null {
  log.error("jwt-auth: " + why);
  return null;
}

/** A string or a list of strings (`issuer: "a"` or `issuers: ["a", "b"]`); null if neither. */
function stringOrList(v: JsonValue | null): Array<string> | null {
  const out = new Array<string>();
  if (v === null) return out;
  if (v.isString) {
    out.push(v.str);
    return out;
  }
  if (!v.isArray) return null;
  for (let i = 0; i < v.length; i++) {
    const e = v.at(i)!;
    if (!e.isString) return null;
    out.push(e.str);
  }
  return out;
}

/** Parses the configuration text; null (after logging why) when it is invalid. */
export function parseConfig(cfg: JsonValue | null): JwtConfig | null {
  if (cfg === null || !cfg.isObject) return bad("configuration must be a JSON object");
  const c = new JwtConfig();
  const keys = cfg.get("keys");
  if (keys !== null) {
    if (!keys.isArray) return bad("keys must be a list");
    for (let i = 0; i < keys.length; i++) {
      const k = keyFromConfig(keys.at(i)!, "keys[" + i.toString() + "]");
      if (k === null) return null;
      c.keys.push(k);
    }
  }
  const jwks = cfg.get("jwks");
  if (jwks !== null && !keysFromJwks(jwks, c.keys)) return null;
  if (c.keys.length == 0) return bad("no keys: set keys and/or jwks");

  if (cfg.has("algorithms")) {
    const algs = stringOrList(cfg.get("algorithms"));
    if (algs === null || algs.length == 0) return bad("algorithms must be a non-empty list");
    for (let i = 0; i < algs.length; i++) {
      if (!SUPPORTED.includes(algs[i])) return bad("algorithms[" + i.toString() + "]: " + algs[i] + " is not one of HS256, RS256, ES256");
    }
    c.algorithms = algs;
  }
  const issuers = stringOrList(cfg.has("issuers") ? cfg.get("issuers") : cfg.get("issuer"));
  if (issuers === null) return bad("issuer / issuers must be a string or a list of strings");
  c.issuers = issuers;
  const audiences = stringOrList(cfg.has("audiences") ? cfg.get("audiences") : cfg.get("audience"));
  if (audiences === null) return bad("audience / audiences must be a string or a list of strings");
  c.audiences = audiences;

  const skew = cfg.get("clock_skew");
  if (skew !== null) {
    if (!skew.isNumber || skew.num < 0 || skew.num > 86400) return bad("clock_skew must be seconds between 0 and 86400");
    c.clockSkew = <i64>skew.num;
  }
  c.requireExp = cfg.getBool("require_exp", true);
  c.header = cfg.getString("header").toLowerCase();
  c.query = cfg.getString("query");
  c.forwardToken = cfg.getBool("forward_token", false);
  c.hostCrypto = cfg.getBool("host_crypto", true);
  c.realm = cfg.getString("realm", "sluice");
  if (c.realm.includes("\"") || c.realm.includes("\\")) return bad("realm must not contain quotes or backslashes");

  const claims = cfg.get("claims_to_headers");
  if (claims !== null) {
    if (!claims.isObject) return bad("claims_to_headers must map claim names to header names");
    for (let i = 0; i < claims.keys.length; i++) {
      const h = claims.items[i];
      if (h.kind != JsonKind.String || h.str.length == 0) return bad("claims_to_headers." + claims.keys[i] + " must be a header name");
      c.claimHeaders.push(new ClaimHeader(claims.keys[i], h.str.toLowerCase()));
    }
  }
  return c;
}
