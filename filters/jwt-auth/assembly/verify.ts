/**
 * Signature verification: picks the configured keys that fit the token (same algorithm; same
 * kid when both name one) and tries each. HS256 runs here; RS256 and ES256 go to the host's
 * `sluice.crypto.verify`, falling back to pure AssemblyScript when the host lacks it.
 */
import { bytesOf, constantTimeEqual, hmacSha256, log } from "sdk/assembly";
import { JwtConfig } from "./config";
import { HostVerdict, hostVerify } from "./foreign-verify";
import { Jwt } from "./jwt";
import { VerifyKey } from "./keys";
import { verifyEs256 } from "./es256";
import { verifyRs256 } from "./rsa";

/**
 * At most this many public-key checks per token: without the host function an ES256 check costs
 * ~8 ms of the callback budget, so a token without `kid` facing many keys must not exhaust it.
 */
const MAX_PUBLIC_KEY_TRIES = 4;

/** Result of a signature check. */
export enum SignatureResult {
  Valid = 0,
  /** No key verified it. */
  Invalid = 1,
  /** The algorithm is not accepted, or no key of that algorithm / kid is configured. */
  NoKey = 2,
  /** The algorithm needs the host function and this host has none. */
  Unsupported = 3,
}

function verifyWith(key: VerifyKey, t: Jwt, useHost: bool): SignatureResult {
  if (key.alg == "HS256") {
    return constantTimeEqual(hmacSha256(key.secret, t.signingInput), t.signature) ? SignatureResult.Valid : SignatureResult.Invalid;
  }
  if (key.alg == "ES256" && t.signature.length != 64) return SignatureResult.Invalid;
  if (useHost) {
    const verdict = hostVerify(bytesOf(key.alg), key.hostKey, t.signingInput, t.signature);
    if (verdict == HostVerdict.Valid) return SignatureResult.Valid;
    if (verdict == HostVerdict.Invalid) return SignatureResult.Invalid;
    if (verdict == HostVerdict.Error) {
      // The host could not use this key (node:crypto and our parser disagree): our code decides.
      log.debug("jwt-auth: the host refused key '" + key.kid + "' (" + key.alg + "), verifying in the filter");
    }
  }
  // No usable host function: the (slower) pure-AssemblyScript code.
  const rsa = key.rsa;
  if (rsa !== null) return verifyRs256(rsa, t.signingInput, t.signature) ? SignatureResult.Valid : SignatureResult.Invalid;
  const ec = key.ec;
  if (ec !== null) return verifyEs256(ec, t.signingInput, t.signature) ? SignatureResult.Valid : SignatureResult.Invalid;
  return SignatureResult.Unsupported;
}

/**
 * Checks the token's signature against the configured keys: first those whose kid equals the
 * token's, then those without a kid (or, for a token without kid, every key of its alg).
 */
export function verifySignature(t: Jwt, cfg: JwtConfig): SignatureResult {
  const alg = t.alg;
  if (!cfg.algorithms.includes(alg)) return SignatureResult.NoKey;
  const kid = t.kid;
  let tried = 0;
  let unsupported = false;
  for (let pass = kid.length > 0 ? 0 : 1; pass < 2; pass++) {
    for (let i = 0; i < cfg.keys.length; i++) {
      const key = cfg.keys[i];
      if (key.alg != alg) continue;
      if (pass == 0 ? key.kid != kid : kid.length > 0 && key.kid.length > 0) continue;
      if (alg != "HS256" && tried == MAX_PUBLIC_KEY_TRIES) break;
      tried++;
      const r = verifyWith(key, t, cfg.hostCrypto);
      if (r == SignatureResult.Valid) return r;
      if (r == SignatureResult.Unsupported) unsupported = true;
    }
  }
  if (tried == 0) return SignatureResult.NoKey;
  return unsupported ? SignatureResult.Unsupported : SignatureResult.Invalid;
}
