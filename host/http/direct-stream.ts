/**
 * One request on a listener without http_filters: the lean path. Node's request and response
 * objects are used as they are (no HeaderMap), the upstream header list is built in one scan of
 * rawHeaders, and the response is written straight from undici's callbacks into the
 * ServerResponse. The stream itself is the RouteRequest the router reads (no extra object).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterRoute, Route, RouteRequest } from '../router/contract.js';
import { applyToHeaderRecord } from '../router/header-mutations.js';
import type { HttpListenerContext, ListenerSnapshot } from './context.js';
import { failureReply, routeReply, sendLocalReply } from './local-reply.js';
import { clientErrorOutcome, edgeReplyStatus } from './client-error.js';
import { normalizePath } from './path-normalize.js';
import { UpstreamRequest, type UpstreamResponseSink } from './proxy.js';
import { finishUpstreamHeaders, flatToRecord, splitAbsoluteForm, type RequestHead } from './request-head.js';
import { addTo, mutateFlat, trailerRecord } from './response-head.js';
import { bodyFollows, fillDownstream, finishStream } from './stream-lifecycle.js';
import { effectiveTimeoutMs, grpcLocalReply } from './grpc.js';
import { newStreamInfo, type StreamInfo } from './stream-info.js';
import { writeBodyChunk } from './response-write.js';
import { FAILURE_REPLIES, type FailureReply } from './upstream-failure.js';

const kStream = Symbol('sluice.stream');
type TaggedResponse = ServerResponse & { [kStream]?: DirectStream };

export class DirectStream implements UpstreamResponseSink, RouteRequest {
  readonly info: StreamInfo;
  authority = '';
  path: string;
  readonly method: string;
  private upstream: UpstreamRequest | null = null;
  private route: Route | null = null;
  /** A gRPC request: local replies are trailers-only gRPC replies. */
  private grpc = false;
  /** No body chunk written yet: the response head still waits in node's ServerResponse. */
  private headPending = true;

  constructor(
    private readonly ctx: HttpListenerContext,
    private readonly snap: ListenerSnapshot,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.info = newStreamInfo(ctx.name);
    this.path = req.url ?? '/';
    this.method = req.method ?? 'GET';
  }

  /** Node builds the header object lazily; only header matchers and hash policies ask for it. */
  get headers(): IncomingMessage['headers'] {
    return this.req.headers;
  }

  /** `head`: the request head as the connection manager scanned it. */
  start(head: RequestHead): void {
    const { req, res, info, ctx } = this;
    (res as TaggedResponse)[kStream] = this;
    res.on('close', onResponseClose);
    ctx.streamStarted();
    head.hasBody = bodyFollows(req, head.hasBody);
    this.grpc = head.grpc;
    if (this.path.charCodeAt(0) !== 47 /* / */) absoluteForm(this, head);
    if (ctx.normalizePath !== false) this.path = normalizePath(this.path);
    this.authority = head.authority;
    fillDownstream(info, req, ctx.scheme, this.method, this.path, head.authority);
    const requestId = head.requestId !== '' ? head.requestId : randomUUID();
    info.requestId = requestId;

    const route = this.snap.router.route(this);
    this.route = route;
    if (route === null) {
      this.fail(FAILURE_REPLIES.no_route);
      return;
    }
    info.routeName = route.name;
    info.virtualHostName = route.virtualHostName;
    if (route.kind !== 'cluster') {
      info.responseFlags.push('LR');
      sendLocalReply(res, routeReply(route, this, ctx.scheme, info)!, info, ctx.draining);
      return;
    }
    this.proxy(route, head, requestId);
  }

  private proxy(route: ClusterRoute, head: RequestHead, requestId: string): void {
    const { info, req } = this;
    const clusterName = route.pickCluster();
    info.clusterName = clusterName;
    const cluster = this.snap.clusters.get(clusterName);
    if (cluster === undefined) {
      this.fail(FAILURE_REPLIES.no_healthy_upstream);
      info.responseCodeDetails = 'cluster_not_found';
      return;
    }
    const clientIp = info.downstreamRemoteAddress;
    const host = route.hostRewrite ?? head.authority;
    let headers: string[] | Record<string, string | string[]> = finishUpstreamHeaders(head, host, requestId, clientIp, this.ctx.scheme);
    if (route.requestHeaders !== undefined) {
      const rec = flatToRecord(headers);
      applyToHeaderRecord(rec, route.requestHeaders);
      headers = rec;
    }
    const up = new UpstreamRequest(
      cluster,
      route,
      route.computeHash(this, clientIp),
      {
        method: this.method,
        path: route.rewritePath(this.path),
        headers,
        body: head.hasBody ? req : null,
        timeoutMs: head.grpc ? effectiveTimeoutMs(route.timeoutMs, head.grpcTimeout) : route.timeoutMs,
        trailers: head.hasBody ? () => rawTrailerRecord(req.rawTrailers) : undefined,
      },
      info,
      this,
      this.snap,
    );
    this.upstream = up;
    up.start();
  }

  upstreamHeaders(status: number, headers: string[]): void {
    const { res, info } = this;
    const route = this.route;
    const out = route !== null && route.responseHeaders !== undefined ? mutateFlat(headers, route.responseHeaders) : headers;
    if (this.ctx.draining) res.shouldKeepAlive = false;
    info.responseCode = status;
    try {
      res.writeHead(status, out);
    } catch {
      // A header node refuses to serialize: treat as a bad upstream response.
      info.responseCode = 0;
      this.upstream?.cancel();
      this.fail(FAILURE_REPLIES.reset);
    }
  }

  upstreamData(chunk: Buffer): boolean {
    this.info.bytesSent += chunk.length;
    const ok = writeBodyChunk(this.res, chunk, this.headPending, this.req.httpVersionMajor === 2);
    this.headPending = false;
    if (!ok) this.res.once('drain', onResponseDrain);
    return ok;
  }

  upstreamEnd(trailers: readonly Buffer[] | null): void {
    // Node sends trailers only on a chunked response, which is what an upstream with trailers used.
    if (trailers !== null) this.res.addTrailers(trailerRecord(trailers));
    this.res.end();
  }

  upstreamFailure(reply: FailureReply): void {
    this.fail(reply);
  }

  upstreamReset(details: string): void {
    this.info.responseCodeDetails = details;
    this.res.destroy();
  }

  private fail(f: FailureReply): void {
    const r = failureReply(f, this.info);
    sendLocalReply(this.res, this.grpc ? grpcLocalReply(r) : r, this.info, this.ctx.draining);
  }

  /** The response is over: finished, or the connection went away first (DC). */
  closed(): void {
    const { res, info } = this;
    const edge = edgeReplyStatus(res);
    if (edge !== undefined) {
      info.responseCode = edge;
      info.responseCodeDetails = clientErrorOutcome(edge).details;
      this.upstream?.cancel();
    } else if (!res.writableFinished) {
      info.responseFlags.push('DC');
      this.upstream?.cancel();
    }
    finishStream(info, this.ctx, this.snap);
  }

  drained(): void {
    this.upstream?.resume();
  }
}

/** Request trailers as received (node fills rawTrailers before 'end'), or undefined for none. */
function rawTrailerRecord(raw: readonly string[]): Record<string, string | string[]> | undefined {
  if (raw.length === 0) return undefined;
  const rec: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) addTo(rec, raw[i]!.toLowerCase(), raw[i + 1]!);
  return rec;
}

/** Rewrites an absolute-form target to origin-form, its authority taking the Host header's place. */
function absoluteForm(s: DirectStream, head: RequestHead): void {
  const abs = splitAbsoluteForm(s.path);
  if (abs === undefined) return;
  s.path = abs.path;
  head.authority = abs.authority;
}

// Shared listeners (no closure per request): the stream is found on the response.
function onResponseClose(this: TaggedResponse): void {
  const s = this[kStream];
  if (s !== undefined) s.closed();
}

function onResponseDrain(this: TaggedResponse): void {
  const s = this[kStream];
  if (s !== undefined) s.drained();
}
