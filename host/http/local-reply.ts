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

/** Writes a local reply on the no-filter path. */
export function sendLocalReply(res: ServerResponse, reply: LocalReply, info: StreamInfo, draining: boolean): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (draining) res.shouldKeepAlive = false;
  info.responseCode = reply.status;
  info.bytesSent += reply.body.length;
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}
