/**
 * A JWS compact serialization (RFC 7515 §7.1): `header.payload.signature`, each base64url.
 * Decoding checks shape only; signature and claims are checked elsewhere.
 */
import { JsonValue, base64UrlDecode, bytesOf, parseJson, textOf } from "sdk/assembly";

/** Tokens longer than this are refused before any decoding work. */
const MAX_TOKEN_LENGTH = 16384;

/** A decoded token. */
export class Jwt {
  /** The protected header (alg, kid, typ). */
  header: JsonValue = JsonValue.object();
  /** The claims. */
  payload: JsonValue = JsonValue.object();
  /** ASCII bytes of `header.payload`: what was signed. */
  signingInput: Uint8Array = new Uint8Array(0);
  /** Raw signature bytes. */
  signature: Uint8Array = new Uint8Array(0);

  /** The header's `alg` ("" when absent or not a string). */
  get alg(): string { return this.header.getString("alg"); }
  /** The header's `kid` ("" when absent or not a string). */
  get kid(): string { return this.header.getString("kid"); }
}

function decodeJsonPart(part: string): JsonValue | null {
  const raw = base64UrlDecode(part);
  if (raw === null) return null;
  const v = parseJson(textOf(raw));
  return v !== null && v.isObject ? v : null;
}

/** Decodes `token`; null when it is not three base64url parts with JSON object header and payload. */
export function decodeJwt(token: string): Jwt | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const first = token.indexOf(".");
  if (first < 0) return null;
  const second = token.indexOf(".", first + 1);
  if (second < 0 || token.indexOf(".", second + 1) >= 0) return null;
  const header = decodeJsonPart(token.substring(0, first));
  if (header === null) return null;
  const payload = decodeJsonPart(token.substring(first + 1, second));
  if (payload === null) return null;
  const sig = base64UrlDecode(token.substring(second + 1));
  if (sig === null) return null;
  const t = new Jwt();
  t.header = header;
  t.payload = payload;
  t.signingInput = bytesOf(token.substring(0, second));
  t.signature = sig;
  return t;
}
