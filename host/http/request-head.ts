/**
 * The downstream request head, scanned once: hop-by-hop headers dropped, Host, x-request-id and
 * x-forwarded-* located, and whether a body follows. The result is the flat [name, value, ...]
 * list undici takes as is, so the no-filter path builds no header object at all.
 */
import { connectionTokens, isHopByHop, isTeTrailersOnly, removeNamed } from './hop-by-hop.js';

/** What the scan found. One per request; `headers` is handed to undici. */
export class RequestHead {
  /** Forwardable headers, lower-case names, without Host. */
  readonly headers: string[] = [];
  /** Host header ('' when absent, as in HTTP/1.0). */
  authority = '';
  /** Host headers seen (more than one is a 400 on HTTP/1.x). */
  hostCount = 0;
  /** Incoming x-request-id, or ''. */
  requestId = '';
  /** Index in `headers` of the last x-forwarded-for value, or -1. */
  xffAt = -1;
  /** Index in `headers` of the x-forwarded-proto value, or -1. */
  xfpAt = -1;
  /** A body follows (non-zero Content-Length or Transfer-Encoding). */
  hasBody = false;
  /** content-type is application/grpc[+proto|…]: local replies become gRPC trailers-only replies. */
  grpc = false;
  /** grpc-timeout as received ('' when absent); parsed only for gRPC requests. */
  grpcTimeout = '';
}

/** Scans node's rawHeaders ([name, value, ...], original case). */
export function scanRequestHead(raw: readonly string[]): RequestHead {
  const head = new RequestHead();
  const out = head.headers;
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    // HTTP/2 pseudo-headers (node's rawHeaders lists them): :authority stands for Host; the
    // others are already read off the request (method, url) and never forwarded as headers.
    if (name.charCodeAt(0) === 58 /* : */) {
      if (name === ':authority' && head.authority === '') head.authority = value;
      continue;
    }
    if (isHopByHop(name)) {
      if (name === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
      else if (name === 'transfer-encoding') head.hasBody = true;
      else if (name === 'te' && isTeTrailersOnly(value)) out.push(name, 'trailers');
      continue;
    }
    switch (name) {
      case 'host':
        head.hostCount++;
        // An h2 request may carry both: :authority wins (RFC 9113 §8.3.1).
        if (head.authority === '') head.authority = value;
        continue;
      case 'content-length':
        if (value !== '0') head.hasBody = true;
        break;
      case 'x-request-id':
        head.requestId = value;
        break;
      case 'content-type':
        if (value.startsWith('application/grpc')) head.grpc = true;
        break;
      case 'grpc-timeout':
        head.grpcTimeout = value;
        break;
      case 'x-forwarded-for':
        head.xffAt = out.length + 1;
        break;
      case 'x-forwarded-proto':
        head.xfpAt = out.length + 1;
        break;
    }
    out.push(name, value);
  }
  if (connection !== undefined) {
    const extra = connectionTokens(connection);
    if (extra.length > 0) dropConnectionNamed(head, extra);
  }
  return head;
}

/** Removes headers the Connection header named, keeping the recorded indexes right. */
function dropConnectionNamed(head: RequestHead, names: string[]): void {
  removeNamed(head.headers, names);
  const h = head.headers;
  head.xffAt = -1;
  head.xfpAt = -1;
  for (let i = 0; i < h.length; i += 2) {
    if (h[i] === 'x-forwarded-for') head.xffAt = i + 1;
    else if (h[i] === 'x-forwarded-proto') head.xfpAt = i + 1;
  }
  if (names.includes('x-request-id')) head.requestId = '';
}

/**
 * Completes the upstream header list: Host (or the route's host_rewrite), x-request-id,
 * x-forwarded-for with the client address appended, x-forwarded-proto set to the downstream scheme.
 */
export function finishUpstreamHeaders(
  head: RequestHead,
  host: string,
  requestId: string,
  clientIp: string,
  scheme: string,
): string[] {
  const out = head.headers;
  if (host !== '') out.push('host', host);
  if (head.requestId === '') out.push('x-request-id', requestId);
  if (head.xffAt >= 0) out[head.xffAt] = `${out[head.xffAt]}, ${clientIp}`;
  else out.push('x-forwarded-for', clientIp);
  if (head.xfpAt >= 0) out[head.xfpAt] = scheme;
  else out.push('x-forwarded-proto', scheme);
  return out;
}

/**
 * An absolute-form request-target (`GET http://host/path`, what clients send to a forward proxy)
 * split into authority and origin-form path; undefined for anything else. Per RFC 9112 §3.2.2
 * its authority replaces the Host header.
 */
export function splitAbsoluteForm(url: string): { authority: string; path: string } | undefined {
  const scheme = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : 0;
  if (scheme === 0) return undefined;
  const slash = url.indexOf('/', scheme);
  const q = url.indexOf('?', scheme);
  const end = slash < 0 ? (q < 0 ? url.length : q) : q < 0 ? slash : Math.min(slash, q);
  const authority = url.slice(scheme, end);
  const rest = url.slice(end);
  return { authority, path: rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest };
}

/** Removes hop-by-hop headers (except `te: trailers`) from a flat list with lower-case names, in place. */
export function dropHopByHop(flat: string[]): string[] {
  let w = 0;
  for (let r = 0; r < flat.length; r += 2) {
    const name = flat[r]!;
    if (isHopByHop(name) && !(name === 'te' && isTeTrailersOnly(flat[r + 1]!))) continue;
    flat[w++] = name;
    flat[w++] = flat[r + 1]!;
  }
  flat.length = w;
  return flat;
}

/** Flat list → node/undici header record (only when a route has header mutations to apply). */
export function flatToRecord(flat: readonly string[]): Record<string, string | string[]> {
  const rec: Record<string, string | string[]> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i]!;
    const v = flat[i + 1]!;
    const cur = rec[k];
    if (cur === undefined) rec[k] = v;
    else if (typeof cur === 'string') rec[k] = [cur, v];
    else cur.push(v);
  }
  return rec;
}

/** Header record → flat list (node's writeHead takes either; flat keeps one code path). */
export function recordToFlat(rec: Readonly<Record<string, string | string[] | undefined>>): string[] {
  const out: string[] = [];
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    if (v === undefined) continue;
    if (typeof v === 'string') out.push(k, v);
    else for (const one of v) out.push(k, one);
  }
  return out;
}
