/**
 * Where a request carries its token: `Authorization: Bearer <token>` (RFC 6750 §2.1), then the
 * configured header (with or without the Bearer prefix), then the configured query parameter
 * (§2.3). Also removes the token from the request before it goes upstream.
 */
import { HeaderMap } from "sdk/assembly";
import { JwtConfig } from "./config";

/** Where the token was found. */
export enum Source {
  None = 0,
  Authorization = 1,
  Header = 2,
  Query = 3,
}

/** A token and where it came from. */
export class Found {
  constructor(public token: string, public source: Source) {}
}

/** `value` without a case-insensitive "Bearer " prefix; null when `required` and it is absent. */
function stripBearer(value: string, required: bool): string | null {
  const v = value.trim();
  if (v.length > 7 && v.substring(0, 7).toLowerCase() == "bearer ") return v.substring(7).trim();
  return required ? null : v;
}

/** Raw value of query parameter `name` in `path` (tokens are base64url: no decoding needed), or null. */
export function queryParam(path: string, name: string): string | null {
  const q = path.indexOf("?");
  if (q < 0) return null;
  const pairs = path.substring(q + 1).split("&");
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i];
    const eq = p.indexOf("=");
    if ((eq < 0 ? p : p.substring(0, eq)) == name) return eq < 0 ? "" : p.substring(eq + 1);
  }
  return null;
}

/** `path` without query parameter `name`. */
export function withoutQueryParam(path: string, name: string): string {
  const q = path.indexOf("?");
  if (q < 0) return path;
  const kept = new Array<string>();
  const pairs = path.substring(q + 1).split("&");
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i];
    const eq = p.indexOf("=");
    if ((eq < 0 ? p : p.substring(0, eq)) != name) kept.push(p);
  }
  const base = path.substring(0, q);
  return kept.length == 0 ? base : base + "?" + kept.join("&");
}

/** Finds the token; a `Found` with Source.None and "" when the request carries none. */
export function findToken(headers: HeaderMap, cfg: JwtConfig): Found {
  const auth = headers.get("authorization");
  if (auth !== null) {
    const t = stripBearer(auth, true);
    if (t !== null && t.length > 0) return new Found(t, Source.Authorization);
  }
  if (cfg.header.length > 0) {
    const h = headers.get(cfg.header);
    if (h !== null) {
      const t = stripBearer(h, false);
      if (t !== null && t.length > 0) return new Found(t, Source.Header);
    }
  }
  if (cfg.query.length > 0) {
    const path = headers.get(":path");
    if (path !== null) {
      const t = queryParam(path, cfg.query);
      if (t !== null && t.length > 0) return new Found(t, Source.Query);
    }
  }
  return new Found("", Source.None);
}

/** Removes the token from where it was found, so the upstream never sees it. */
export function removeToken(headers: HeaderMap, cfg: JwtConfig, found: Found): void {
  if (found.source == Source.Authorization) headers.remove("authorization");
  else if (found.source == Source.Header) headers.remove(cfg.header);
  else if (found.source == Source.Query) {
    const path = headers.get(":path");
    if (path !== null) headers.set(":path", withoutQueryParam(path, cfg.query));
  }
}
