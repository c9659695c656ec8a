/**
 * Verification keys from the configuration: `keys` entries (HS secret, PEM public key) and a
 * JWKS (RFC 7517). Each key is bound to exactly one algorithm, decided by its type, so a token
 * can never choose how its own key is used (no RSA-public-key-as-HMAC-secret confusion).
 */
import { JsonValue, base64Decode, base64UrlDecode, bytesOf, log, parseJson, quoteJson } from "sdk/assembly";
import { PublicKeyKind, parsePublicKeyPem } from "./der";
import { EcPublicKey, ecPublicKey } from "./es256";
import { P256 } from "./p256";
import { RsaPublicKey, rsaPublicKey } from "./rsa";

/** One key: its id (may be ""), its algorithm, and the material that algorithm needs. */
export class VerifyKey {
  kid: string = "";
  /** "HS256", "RS256" or "ES256". */
  alg: string = "";
  /** HMAC secret (HS256). */
  secret: Uint8Array = new Uint8Array(0);
  /** What the host's verify function gets: PEM text or JWK JSON (RS256, ES256). */
  hostKey: Uint8Array = new Uint8Array(0);
  /** Prepared modulus for the pure-AssemblyScript RS256 fallback. */
  rsa: RsaPublicKey | null = null;
  /** Prepared point for the pure-AssemblyScript ES256 fallback. */
  ec: EcPublicKey | null = null;
}

function fail(where: string, why: string): VerifyKey | null {
  log.error("jwt-auth: " + where + ": " + why);
  return null;
}

function checkAlg(where: string, declared: string, actual: string): bool {
  if (declared.length == 0 || declared == actual) return true;
  log.error("jwt-auth: " + where + ": alg " + declared + " does not fit a key usable only for " + actual);
  return false;
}

/** A `keys[i]` entry: { kid?, alg?, secret | secret_base64 | pem }. */
export function keyFromConfig(entry: JsonValue, where: string): VerifyKey | null {
  if (!entry.isObject) return fail(where, "must be an object");
  const k = new VerifyKey();
  k.kid = entry.getString("kid");
  const alg = entry.getString("alg");
  if (entry.has("secret") || entry.has("secret_base64")) {
    if (!checkAlg(where, alg, "HS256")) return null;
    k.alg = "HS256";
    if (entry.has("secret")) {
      k.secret = bytesOf(entry.getString("secret"));
    } else {
      const text = entry.getString("secret_base64");
      let raw = base64UrlDecode(text);
      if (raw === null) raw = base64Decode(text);
      if (raw === null) return fail(where, "secret_base64 is not base64");
      k.secret = raw;
    }
    if (k.secret.length == 0) return fail(where, "the secret is empty");
    return k;
  }
  const pem = entry.getString("pem");
  if (pem.length == 0) return fail(where, "needs one of secret, secret_base64, pem");
  const info = parsePublicKeyPem(pem);
  if (info === null) return fail(where, "pem is not an RSA or P-256 public key (BEGIN PUBLIC KEY / BEGIN RSA PUBLIC KEY)");
  k.hostKey = bytesOf(pem);
  if (info.kind == PublicKeyKind.Rsa) {
    if (!checkAlg(where, alg, "RS256")) return null;
    k.alg = "RS256";
    k.rsa = rsaPublicKey(info.a, info.b);
    if (k.rsa === null) return fail(where, "RSA modulus must be odd and 2048 to 8192 bits");
  } else {
    if (!checkAlg(where, alg, "ES256")) return null;
    k.alg = "ES256";
    k.ec = ecPublicKey(new P256(), info.a, info.b);
    if (k.ec === null) return fail(where, "the EC point is not on P-256");
  }
  return k;
}

function b64url(jwk: JsonValue, name: string): Uint8Array | null {
  const s = jwk.getString(name);
  return s.length == 0 ? null : base64UrlDecode(s);
}

/** One JWK; null (logged) when unusable. */
function keyFromJwk(jwk: JsonValue, where: string): VerifyKey | null {
  const k = new VerifyKey();
  k.kid = jwk.getString("kid");
  const alg = jwk.getString("alg");
  const kty = jwk.getString("kty");
  if (kty == "oct") {
    if (!checkAlg(where, alg, "HS256")) return null;
    const secret = b64url(jwk, "k");
    if (secret === null || secret.length == 0) return fail(where, "k is missing or not base64url");
    k.alg = "HS256";
    k.secret = secret;
    return k;
  }
  if (kty == "RSA") {
    if (!checkAlg(where, alg, "RS256")) return null;
    const n = b64url(jwk, "n");
    const e = b64url(jwk, "e");
    if (n === null || e === null) return fail(where, "n and e must be base64url");
    k.alg = "RS256";
    k.rsa = rsaPublicKey(n, e);
    if (k.rsa === null) return fail(where, "RSA modulus must be odd and 2048 to 8192 bits");
    k.hostKey = bytesOf("{\"kty\":\"RSA\",\"n\":" + quoteJson(jwk.getString("n")) + ",\"e\":" + quoteJson(jwk.getString("e")) + "}");
    return k;
  }
  if (kty == "EC") {
    if (!checkAlg(where, alg, "ES256")) return null;
    if (jwk.getString("crv") != "P-256") return fail(where, "only crv P-256 is supported");
    const x = b64url(jwk, "x");
    const y = b64url(jwk, "y");
    if (x === null || y === null || x.length != 32 || y.length != 32) return fail(where, "x and y must be 32-byte base64url");
    k.alg = "ES256";
    k.ec = ecPublicKey(new P256(), x, y);
    if (k.ec === null) return fail(where, "the point (x, y) is not on P-256");
    k.hostKey = bytesOf("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":" + quoteJson(jwk.getString("x")) + ",\"y\":" + quoteJson(jwk.getString("y")) + "}");
    return k;
  }
  return fail(where, "kty " + kty + " is not supported (oct, RSA, EC)");
}

/** Whether a JWK is of a type and algorithm this filter supports. */
function usable(jwk: JsonValue): bool {
  const kty = jwk.getString("kty");
  const alg = jwk.getString("alg");
  if (kty == "oct") return alg.length == 0 || alg == "HS256";
  if (kty == "RSA") return alg.length == 0 || alg == "RS256";
  if (kty == "EC") return jwk.getString("crv") == "P-256" && (alg.length == 0 || alg == "ES256");
  return false;
}

/**
 * Appends the keys of a JWKS given inline, as an object `{ "keys": [...] }` or as its JSON
 * text. False (logged) when the set is malformed or one of its supported keys is broken; keys
 * with `use` other than "sig", or of unsupported types and algorithms, are skipped.
 */
export function keysFromJwks(jwks: JsonValue, out: Array<VerifyKey>): bool {
  let set: JsonValue | null = jwks;
  if (jwks.isString) set = parseJson(jwks.str);
  if (set === null || !set.isObject) {
    log.error("jwt-auth: jwks must be a JWKS object or its JSON text");
    return false;
  }
  const list = set.getArray("keys");
  if (list === null) {
    log.error("jwt-auth: jwks.keys must be a list");
    return false;
  }
  for (let i = 0; i < list.length; i++) {
    const jwk = list.at(i)!;
    const where = "jwks.keys[" + i.toString() + "]";
    if (!jwk.isObject) {
      log.error("jwt-auth: " + where + ": must be an object");
      return false;
    }
    // A published set may hold encryption keys and key types this filter cannot use (OKP,
    // P-384, RS512…) next to its signing keys: skip those, reject only broken usable ones.
    const use = jwk.getString("use");
    if (use.length > 0 && use != "sig") continue;
    if (!usable(jwk)) {
      log.warn("jwt-auth: " + where + " skipped: kty " + jwk.getString("kty") + " / alg " + jwk.getString("alg") + " is not supported");
      continue;
    }
    const k = keyFromJwk(jwk, where);
    if (k === null) return false;
    out.push(k);
  }
  return true;
}
