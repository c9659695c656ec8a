/**
 * One request on a listener with http_filters: the connection manager side of the filter
 * contract (host/filter/contract.ts). Request headers become a HeaderMap (pseudo-headers first)
 * and pass the decoder filters; whatever they let through reaches sendRequest*, which routes
 * (again, if a filter changed the headers) and proxies. Responses, upstream or local, pass the
 * encoder filters via encode* and come back through sendResponse* to node's ServerResponse.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FilterStream, FilterStreamSink, HttpFilterChain } from '../filter/contract.js';
import type { ClusterRoute, Route, RouteRequest } from '../router/contract.js';
import { applyToHeaderMap, applyToHeaderRecord } from '../router/header-mutations.js';
import type { HttpListenerContext, ListenerSnapshot } from './context.js';
import { HeaderMap } from './header-map.js';
import { endWithHeaders, failureReply, routeReply, type LocalReply } from './local-reply.js';
import { clientErrorOutcome, edgeReplyStatus } from './client-error.js';
import { normalizePath } from './path-normalize.js';
import { UpstreamRequest, type UpstreamResponseSink } from './proxy.js';
import { dropHopByHop, finishUpstreamHeaders, flatToRecord, splitAbsoluteForm, type RequestHead } from './request-head.js';
import { RequestBody } from './request-body.js';
import { bodyFollows, fillDownstream, finishStream } from './stream-lifecycle.js';
import { effectiveTimeoutMs, grpcLocalReply } from './grpc.js';
import { newStreamInfo, type StreamInfo } from './stream-info.js';
import { FAILURE_REPLIES, type FailureReply } from './upstream-failure.js';
import { headerMapRecord, trailerTuples } from './response-head.js';
import { GrpcReplyHold, isGrpcResponse } from './grpc-reply-hold.js';
import { writeBodyChunk } from './response-write.js';

const EMPTY = Buffer.alloc(0);

export class FilteredStream implements FilterStreamSink, UpstreamResponseSink, RouteRequest {
  readonly info: StreamInfo;
  private fs: FilterStream | null = null;
  private map: HeaderMap | null = null;
  private route: Route | null = null;
  private headersRecord: Record<string, string | string[]> | undefined = undefined;
  private upstream: UpstreamRequest | null = null;
  private body: RequestBody | null = null;
  /** A filter holds request data: don't let the upstream's demand resume the socket. */
  private filterPaused = false;
  private downstreamFull = false;
  private over = false;
  /** gRPC request (content-type application/grpc…) and its grpc-timeout header. */
  private grpc = false;
  private grpcTimeout = '';
  /** The response being sent came from the upstream (not a local reply). */
  private upstreamResponse = false;
  /** A filter's local reply to a gRPC request, held until its body (the grpc-message) arrives. */
  private grpcPending: GrpcReplyHold | null = null;
  /** No body chunk written yet: the response head still waits in node's ServerResponse. */
  private headPending = true;
  /** Request trailers the filters let through, for an HTTP/2 upstream. */
  private requestTrailers: Record<string, string | string[]> | undefined = undefined;

  constructor(
    private readonly ctx: HttpListenerContext,
    private readonly snap: ListenerSnapshot,
    private readonly chain: HttpFilterChain,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.info = newStreamInfo(ctx.name);
  }

  // RouteRequest over the current header map (filters may have changed it).
  get authority(): string {
    return this.map?.get(':authority') ?? '';
  }
  get path(): string {
    return this.map?.get(':path') ?? '/';
  }
  get method(): string {
    return this.map?.get(':method') ?? 'GET';
  }
  get headers(): Record<string, string | string[]> {
    this.headersRecord ??= flatToRecord(this.map?.toRawWithoutPseudo() ?? []);
    return this.headersRecord;
  }

  /** `head`: the request head as the connection manager scanned it. */
  start(head: RequestHead): void {
    const { req, res, info, ctx } = this;
    (res as Tagged<ServerResponse>)[kStream] = this;
    res.on('close', onResponseClose);
    res.on('drain', onResponseDrain);
    ctx.streamStarted();
    head.hasBody = bodyFollows(req, head.hasBody);
    this.grpc = head.grpc;
    this.grpcTimeout = head.grpcTimeout;
    const method = req.method ?? 'GET';
    let url = req.url ?? '/';
    const abs = url.charCodeAt(0) === 47 /* / */ ? undefined : splitAbsoluteForm(url);
    if (abs !== undefined) {
      url = abs.path;
      head.authority = abs.authority;
    }
    if (ctx.normalizePath !== false) url = normalizePath(url);
    fillDownstream(info, req, ctx.scheme, method, url, head.authority);
    info.requestId = head.requestId !== '' ? head.requestId : randomUUID();
    // Envoy adds x-request-id and x-forwarded-* before the filters run, so filters see them.
    const flat = finishUpstreamHeaders(head, '', info.requestId, info.downstreamRemoteAddress, ctx.scheme);
    const pseudo = [':method', method, ':path', url, ':authority', head.authority, ':scheme', ctx.scheme];
    this.map = new HeaderMap(pseudo.concat(flat));
    this.route = this.snap.router.route(this);
    this.noteRoute();
    const fs = this.chain.createStream(info, this, this.route);
    this.fs = fs;
    const endStream = !head.hasBody;
    fs.decodeHeaders(this.map, endStream);
    if (endStream) return;
    (req as Tagged<IncomingMessage>)[kStream] = this;
    req.on('data', onRequestData);
    req.on('end', onRequestEnd);
  }

  requestData(chunk: Buffer): void {
    if (!this.over) this.fs!.decodeData(chunk, false);
  }

  requestEnd(): void {
    if (this.over) return;
    const trailers = this.req.rawTrailers;
    if (trailers.length > 0) this.fs!.decodeTrailers(HeaderMap.fromRaw([], trailers));
    else this.fs!.decodeData(EMPTY, true);
  }

  sendRequestHeaders(headers: HeaderMap, endStream: boolean): void {
    if (this.over) return;
    this.map = headers;
    if (headers.modified) {
      this.headersRecord = undefined;
      this.route = this.snap.router.route(this);
      this.noteRoute();
    }
    const route = this.route;
    if (route === null) return this.fail(FAILURE_REPLIES.no_route);
    if (route.kind !== 'cluster') {
      this.info.responseFlags.push('LR');
      return this.localReply(routeReply(route, this, this.ctx.scheme, this.info)!);
    }
    this.proxy(route, headers, endStream);
  }

  private proxy(route: ClusterRoute, headers: HeaderMap, endStream: boolean): void {
    const info = this.info;
    const clusterName = route.pickCluster();
    info.clusterName = clusterName;
    const cluster = this.snap.clusters.get(clusterName);
    if (cluster === undefined) return this.fail(FAILURE_REPLIES.no_healthy_upstream);
    // Filters may have added connection-level headers; they are never forwarded (and undici refuses them).
    const flat = dropHopByHop(headers.toRawWithoutPseudo());
    const host = route.hostRewrite ?? this.authority;
    if (host !== '') flat.push('host', host);
    let out: string[] | Record<string, string | string[]> = flat;
    if (route.requestHeaders !== undefined) {
      const rec = flatToRecord(flat);
      applyToHeaderRecord(rec, route.requestHeaders);
      out = rec;
    }
    if (!endStream) this.body = new RequestBody(this);
    const up = new UpstreamRequest(
      cluster,
      route,
      route.computeHash(this, info.downstreamRemoteAddress),
      {
        method: this.method,
        path: route.rewritePath(this.path),
        headers: out,
        body: this.body,
        timeoutMs: this.grpc ? effectiveTimeoutMs(route.timeoutMs, this.grpcTimeout) : route.timeoutMs,
        trailers: endStream ? undefined : () => this.requestTrailers,
      },
      info,
      this,
      this.snap,
    );
    this.upstream = up;
    up.start();
  }

  sendRequestData(chunk: Buffer, endStream: boolean): void {
    const body = this.body;
    if (body === null || this.over) return;
    if (chunk.length > 0 && !body.push(chunk)) this.req.pause();
    if (endStream) body.push(null);
  }

  sendRequestTrailers(trailers: HeaderMap): void {
    // HTTP/2 upstreams get them when the body ends; over HTTP/1.1 the body simply ends.
    if (trailers.count > 0) this.requestTrailers = headerMapRecord(trailers);
    if (this.body !== null && !this.over) this.body.push(null);
  }

  sendResponseHeaders(headers: HeaderMap, endStream: boolean): void {
    const { res, info } = this;
    if (this.over || res.headersSent || res.writableEnded) return;
    if (this.grpc && !this.upstreamResponse && !isGrpcResponse(headers)) {
      // A filter answered a gRPC call locally (send_local_response): make it trailers-only.
      this.grpcPending = new GrpcReplyHold(headers);
      if (endStream) this.flushGrpcReply();
      return;
    }
    const status = Number(headers.get(':status') ?? 200);
    if (this.ctx.draining) res.shouldKeepAlive = false;
    info.responseCode = status;
    try {
      if (endStream) {
        endWithHeaders(res, status, headers.toRawWithoutPseudo());
        return;
      }
      res.writeHead(status, headers.toRawWithoutPseudo());
    } catch {
      info.responseCodeDetails = 'invalid_response_headers';
      res.destroy();
    }
  }

  sendResponseData(chunk: Buffer, endStream: boolean): void {
    const res = this.res;
    const pending = this.grpcPending;
    if (pending !== null) {
      pending.push(chunk);
      if (endStream) this.flushGrpcReply();
      return;
    }
    // Writing after end makes node emit 'error' on the response: never let a late call do that.
    if (this.over || res.writableEnded || !res.headersSent) return;
    this.info.bytesSent += chunk.length;
    if (chunk.length > 0) {
      if (!writeBodyChunk(res, chunk, this.headPending, this.req.httpVersionMajor === 2)) this.downstreamFull = true;
      this.headPending = false;
    }
    if (endStream) res.end();
  }

  sendResponseTrailers(trailers: HeaderMap): void {
    const res = this.res;
    if (this.over || !res.headersSent || res.writableEnded) return;
    if (trailers.count > 0) res.addTrailers(headerMapRecord(trailers));
    res.end();
  }

  /** Writes the held gRPC local reply: HTTP 200, grpc-status and grpc-message, no body. */
  private flushGrpcReply(): void {
    const p = this.grpcPending!;
    this.grpcPending = null;
    this.sendResponseHeaders(p.reply(this.info.responseCodeDetails ?? ''), true);
  }

  pauseRequestBody(): void {
    this.filterPaused = true;
    this.req.pause();
  }

  resumeRequestBody(): void {
    this.filterPaused = false;
    this.req.resume();
  }

  cancelUpstream(): void {
    this.upstream?.cancel();
    this.body = null;
  }

  reset(details: string): void {
    this.info.responseCodeDetails = details;
    this.upstream?.cancel();
    this.res.destroy();
  }

  currentRoute(): Route | null {
    return this.route;
  }

  // UpstreamResponseSink: the upstream's response enters the encoder filters.
  upstreamHeaders(status: number, headers: string[]): void {
    this.upstreamResponse = true;
    const map = new HeaderMap([':status', String(status)].concat(headers));
    const m = this.route?.responseHeaders;
    if (m !== undefined) applyToHeaderMap(map, m);
    map.modified = false;
    this.fs?.encodeHeaders(map, false);
  }

  upstreamData(chunk: Buffer): boolean {
    this.fs?.encodeData(chunk, false);
    return !this.downstreamFull;
  }

  upstreamEnd(trailers: readonly Buffer[] | null): void {
    if (trailers === null) this.fs?.encodeData(EMPTY, true);
    else this.fs?.encodeTrailers(new HeaderMap(trailerTuples(trailers).flat()));
  }

  upstreamFailure(reply: FailureReply): void {
    this.fail(reply);
  }

  upstreamReset(details: string): void {
    this.reset(details);
  }

  private fail(f: FailureReply): void {
    this.localReply(failureReply(f, this.info));
  }

  /** Local replies pass the encoder filters, as in Envoy. */
  private localReply(reply: LocalReply): void {
    const fs = this.fs;
    if (fs === null || this.over) return;
    const r = this.grpc ? grpcLocalReply(reply) : reply;
    const map = new HeaderMap([':status', String(r.status)].concat(r.headers));
    map.modified = false;
    fs.encodeHeaders(map, r.body.length === 0);
    if (r.body.length > 0) fs.encodeData(r.body, true);
  }

  private noteRoute(): void {
    const r = this.route;
    this.info.routeName = r?.name;
    this.info.virtualHostName = r?.virtualHostName;
  }

  /** undici wants more of the request body. */
  bodyWanted(): void {
    if (!this.filterPaused && !this.over) this.req.resume();
  }

  drained(): void {
    if (!this.downstreamFull) return;
    this.downstreamFull = false;
    this.upstream?.resume();
  }

  closed(): void {
    if (this.over) return;
    this.over = true;
    const info = this.info;
    const edge = edgeReplyStatus(this.res);
    if (edge !== undefined) {
      info.responseCode = edge;
      info.responseCodeDetails = clientErrorOutcome(edge).details;
      this.upstream?.cancel();
    } else if (!this.res.writableFinished) {
      info.responseFlags.push('DC');
      this.upstream?.cancel();
    }
    this.fs?.complete();
    finishStream(info, this.ctx, this.snap);
  }
}

// Shared listeners (no closures per request): the stream is found on the request / response.
const kStream = Symbol('sluice.filteredStream');
type Tagged<T> = T & { [kStream]?: FilteredStream };

function onResponseClose(this: Tagged<ServerResponse>): void {
  this[kStream]?.closed();
}
function onResponseDrain(this: Tagged<ServerResponse>): void {
  this[kStream]?.drained();
}
function onRequestData(this: Tagged<IncomingMessage>, chunk: Buffer): void {
  this[kStream]?.requestData(chunk);
}
function onRequestEnd(this: Tagged<IncomingMessage>): void {
  this[kStream]?.requestEnd();
}
