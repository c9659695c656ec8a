/**
 * Registered-claim checks (RFC 7519 §4.1): exp and nbf with clock skew, iss, aud. Each check
 * returns "" when it passes, else the error_description the client gets.
 */
import { JsonValue } from "sdk/assembly";
import { JwtConfig } from "./config";

function audienceMatches(aud: JsonValue | null, allowed: Array<string>): bool {
  if (aud === null) return false;
  if (aud.isString) return allowed.includes(aud.str);
  if (!aud.isArray) return false;
  for (let i = 0; i < aud.length; i++) {
    const a = aud.at(i)!;
    if (a.isString && allowed.includes(a.str)) return true;
  }
  return false;
}

/** Checks the claims of a token whose signature was verified; `now` in seconds since the epoch. */
export function checkClaims(claims: JsonValue, cfg: JwtConfig, now: i64): string {
  const exp = claims.get("exp");
  if (exp === null) {
    if (cfg.requireExp) return "token has no exp";
  } else {
    if (!exp.isNumber) return "exp is not a number";
    // Compared as f64: a huge exp would overflow i64 and read as long expired.
    if (<f64>now > Math.floor(exp.num) + <f64>cfg.clockSkew) return "token expired";
  }
  const nbf = claims.get("nbf");
  if (nbf !== null) {
    if (!nbf.isNumber) return "nbf is not a number";
    if (<f64>(now + cfg.clockSkew) < Math.floor(nbf.num)) return "token not yet valid";
  }
  if (cfg.issuers.length > 0) {
    const iss = claims.get("iss");
    if (iss === null || !iss.isString || !cfg.issuers.includes(iss.str)) return "issuer not allowed";
  }
  if (cfg.audiences.length > 0 && !audienceMatches(claims.get("aud"), cfg.audiences)) return "audience not allowed";
  return "";
}

/**
 * The claim `name` of `claims`: a top-level member, else a dotted path into nested objects
 * (`realm_access.roles`). Null when absent.
 */
export function claimAt(claims: JsonValue, name: string): JsonValue | null {
  const direct = claims.get(name);
  if (direct !== null || !name.includes(".")) return direct;
  const parts = name.split(".");
  let v: JsonValue | null = claims;
  for (let i = 0; i < parts.length && v !== null; i++) v = v.get(parts[i]);
  return v;
}

/**
 * Header value for a claim: strings as they are, arrays of strings comma-joined, anything else
 * as compact JSON. Control characters are dropped so a claim cannot forge header lines.
 */
export function claimHeaderValue(v: JsonValue): string {
  let s: string;
  if (v.isString) s = v.str;
  else if (v.isArray) {
    const parts = new Array<string>();
    for (let i = 0; i < v.length; i++) {
      const e = v.at(i)!;
      parts.push(e.isString ? e.str : e.stringify());
    }
    s = parts.join(",");
  } else s = v.stringify();
  let clean = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20 || s.charCodeAt(i) == 0x7f) clean = false;
  if (clean) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x7f) out += String.fromCharCode(c);
  }
  return out;
}
