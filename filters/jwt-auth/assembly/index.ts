/**
 * jwt-auth: requires a valid JSON Web Token (HS256, RS256 or ES256) from `Authorization: Bearer`
 * (or a configured header / query parameter), checks exp / nbf / iss / aud, forwards chosen
 * claims upstream as headers, and answers 401 with an RFC 6750 challenge otherwise.
 * See README.md for the configuration.
 */
import {
  FilterHeadersStatus, Header, HttpContext, RootContext, log, nowNanos, parseJson, registerRoot, WasmResult,
} from "sdk/assembly";
import { claimAt, checkClaims, claimHeaderValue } from "./claims";
import { JwtConfig, parseConfig } from "./config";
import { decodeJwt } from "./jwt";
import { Source, findToken, removeToken } from "./token-source";
import { SignatureResult, verifySignature } from "./verify";
// Header callbacks only: the host then skips body and trailer delivery for this filter.
export * from "sdk/assembly/exports/core";
export * from "sdk/assembly/exports/http-headers";

class JwtAuthRoot extends RootContext {
  config: JwtConfig = new JwtConfig();

  onConfigure(size: u32): bool {
    const c = parseConfig(parseJson(this.configurationText()));
    if (c === null) return false;
    this.config = c;
    return true;
  }

  newHttpContext(id: u32): HttpContext | null {
    return new JwtAuth(id, this);
  }
}

class JwtAuth extends HttpContext {
  onRequestHeaders(count: u32, endOfStream: bool): FilterHeadersStatus {
    const cfg = (this.root as JwtAuthRoot).config;
    const headers = this.requestHeaders;
    // Claim headers are ours alone: drop whatever the client sent under those names.
    for (let i = 0; i < cfg.claimHeaders.length; i++) headers.remove(cfg.claimHeaders[i].header);

    const found = findToken(headers, cfg);
    if (found.source == Source.None) return this.challenge("", "missing token");
    const jwt = decodeJwt(found.token);
    if (jwt === null) return this.challenge("invalid_token", "malformed token");
    const sig = verifySignature(jwt, cfg);
    if (sig == SignatureResult.NoKey) return this.challenge("invalid_token", "no key for this alg / kid");
    if (sig == SignatureResult.Unsupported) {
      log.warn("jwt-auth: " + jwt.alg + " needs the host function sluice.crypto.verify, which this host lacks");
      return this.challenge("invalid_token", "alg not supported by this proxy");
    }
    if (sig != SignatureResult.Valid) return this.challenge("invalid_token", "signature verification failed");
    const why = checkClaims(jwt.payload, cfg, <i64>(nowNanos() / 1_000_000_000));
    if (why.length > 0) return this.challenge("invalid_token", why);

    for (let i = 0; i < cfg.claimHeaders.length; i++) {
      const ch = cfg.claimHeaders[i];
      const v = claimAt(jwt.payload, ch.claim);
      if (v !== null && !v.isNull) headers.set(ch.header, claimHeaderValue(v));
    }
    if (!cfg.forwardToken) removeToken(headers, cfg, found);
    return FilterHeadersStatus.Continue;
  }

  /**
   * 401 with `WWW-Authenticate: Bearer realm="…"`, plus error and error_description unless the
   * request simply had no token (RFC 6750 §3.1: then no error code).
   */
  challenge(error: string, description: string): FilterHeadersStatus {
    const cfg = (this.root as JwtAuthRoot).config;
    let value = "Bearer realm=\"" + cfg.realm + "\"";
    if (error.length > 0) value += ", error=\"" + error + "\", error_description=\"" + description + "\"";
    const headers: Array<Header> = [
      new Header("www-authenticate", value),
      new Header("content-type", "text/plain; charset=utf-8"),
    ];
    const details = error.length > 0 ? "jwt_auth_invalid_token" : "jwt_auth_missing_token";
    // Denied must never mean a request left hanging: close if the reply is refused.
    if (this.sendLocalResponse(401, "unauthorized: " + description + "\n", headers, details) != WasmResult.Ok) this.close();
    return FilterHeadersStatus.StopIteration;
  }
}

registerRoot("jwt-auth", (id: u32): RootContext => new JwtAuthRoot(id));
