/**
 * Responses the gateway writes itself: failures (404 no route, 503, 504, 502), redirects and
 * direct_response routes. Built as a status, a flat header list and a body, so the no-filter
 * path writes them straight to node's response and the filter path passes them through the
 * encoder filters (as Envoy does with local replies).
 */
import type { ServerResponse } from 'node:http';
import type { Route, RouteRequest } from '../router/contract.js';
import type { StreamInfo } from './stream-info.js';
import type { FailureReply } from './upstream-failure.js';
import { mutateFlat } from './response-head.js';

export interface LocalReply {
  status: number;
  /** Flat [name, value, ...], lower-case names, content-length included. */
  headers: string[];
  body: Buffer;
}

/** A failure as a short text/plain reply; records its flag and details in `info`. */
export function failureReply(f: FailureReply, info: StreamInfo): LocalReply {
  info.responseFlags.push(f.flag);
  info.responseCodeDetails = f.details;
  const body = Buffer.from(f.body);
  return { status: f.status, headers: ['content-type', 'text/plain', 'content-length', String(body.length)], body };
}

/** The reply for a redirect or direct_response route (the route's response headers applied). */
export function routeReply(route: Route, req: RouteRequest, scheme: string, info: StreamInfo): LocalReply | null {
  if (route.kind === 'redirect') {
    info.responseCodeDetails = 'redirect';
    const headers = ['location', route.location(req, scheme), 'content-length', '0'];
    return { status: route.status, headers: mutateFlat(headers, route.responseHeaders), body: EMPTY };
  }
  if (route.kind === 'direct_response') {
    info.responseCodeDetails = 'direct_response';
    const headers: string[] = [];
    for (const h of route.headers) headers.push(h.name.toLowerCase(), h.value);
    if (route.body.length > 0 && !headers.includes('content-type')) headers.push('content-type', 'text/plain');
    headers.push('content-length', String(route.body.length));
    return { status: route.status, headers: mutateFlat(headers, route.responseHeaders), body: route.body };
  }
  return null;
}

const EMPTY = Buffer.alloc(0);

/**
 * Ends `res` with headers only. Over HTTP/2 this is one HEADERS frame carrying END_STREAM (a
 * writeHead first would send HEADERS, then an empty DATA frame to end the stream): gRPC clients
 * read a trailers-only reply (grpc-status in that frame) only in the first form.
 */
export function endWithHeaders(res: ServerResponse, status: number, flat: readonly string[]): void {
  res.statusCode = status;
  const grouped = new Map<string, string[]>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const k = flat[i]!;
    const list = grouped.get(k);
    if (list) list.push(flat[i + 1]!);
    else grouped.set(k, [flat[i + 1]!]);
  }
  for (const [k, v] of grouped) res.setHeader(k, v.length === 1 ? v[0]! : v);
  res.end();
}

/** Writes a local reply on the no-filter path. */
export function sendLocalReply(res: ServerResponse, reply: LocalReply, info: StreamInfo, draining: boolean): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (draining) res.shouldKeepAlive = false;
  info.responseCode = reply.status;
  info.bytesSent += reply.body.length;
  if (reply.body.length === 0) {
    endWithHeaders(res, reply.status, reply.headers);
    return;
  }
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}
