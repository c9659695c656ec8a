/**
 * The FilterStream of one request: runs the decoder direction in config order and the encoder
 * direction in reverse, handles local replies (through the encoder filters, as Envoy, unless the
 * response already entered them), resets and failures, and talks to the connection manager only
 * through its FilterStreamSink.
 */
import type { FilterStream, FilterStreamSink } from './contract.js';
import { HeaderMap } from '../http/header-map.js';
import type { StreamInfo } from '../http/stream-info.js';
import type { Route } from '../router/contract.js';
import type { BodyRef } from '../wasm/context.js';
import { DecodeOps, EncodeOps } from './direction-ops.js';
import { Direction } from './iteration.js';

const EMPTY = Buffer.alloc(0);

/** One filter's part of one stream (a wasm filter implements it). */
export interface StreamFilter {
  readonly wantsRequestBody: boolean;
  readonly wantsRequestTrailers: boolean;
  readonly wantsResponseBody: boolean;
  readonly wantsResponseTrailers: boolean;
  /** The filter may rewrite bodies in that direction (content-length is then dropped). */
  readonly rewritesRequestBody: boolean;
  readonly rewritesResponseBody: boolean;
  /** Return 0 to continue, anything else to stop (the filter resumes through its callbacks). */
  requestHeaders(h: HeaderMap, end: boolean): number;
  requestBody(body: BodyRef, end: boolean): number;
  requestTrailers(t: HeaderMap): number;
  responseHeaders(h: HeaderMap, end: boolean): number;
  responseBody(body: BodyRef, end: boolean): number;
  responseTrailers(t: HeaderMap): number;
  /** Stream over: on_log, on_done, on_delete (the context is created if it does not exist). */
  complete(): void;
  /**
   * Trailers the filter added from its body callback at end of stream (request or response
   * direction), handed over once; undefined when it added none.
   */
  takeAddedTrailers?(request: boolean): HeaderMap | undefined;
}

/** What a filter may ask of its stream. `index` is its position in config order. */
export interface FilterCallbacks {
  readonly info: StreamInfo;
  route(): Route | null;
  continueDecoding(index: number): void;
  continueEncoding(index: number): void;
  sendLocalReply(status: number, body: Buffer, headers: readonly string[], details: string): void;
  reset(details: string): void;
  /** The filter's VM failed under fail_closed / fail_reload: 503 or reset. */
  failStream(): void;
}

/** Body and details of the fail_closed local reply. */
export const WASM_FAILED = 'wasm filter failed';

/** One request's FilterStream (see the file comment). */
export class FilterManager implements FilterStream, FilterCallbacks {
  readonly filters: StreamFilter[] = [];
  private readonly dec: Direction;
  private readonly enc: Direction;
  private requestSent = false;
  private responseSent = false;
  private localReply = false;
  private upstreamCancelled = false;
  /** @internal Headers waiting for the first body chunk (content-length fix-up). */
  heldRequestHeaders: HeaderMap | undefined;
  /** @internal */
  heldResponseHeaders: HeaderMap | undefined;
  private completed = false;

  constructor(readonly sink: FilterStreamSink, private readonly routeAtStart: Route | null, n: number, limit: number,
    private readonly onComplete?: () => void) {
    this.dec = new Direction(n, new DecodeOps(this), limit);
    this.enc = new Direction(n, new EncodeOps(this), limit);
  }

  get info(): StreamInfo {
    return this.sink.info;
  }

  route(): Route | null {
    return this.sink.currentRoute() ?? this.routeAtStart;
  }

  /**
   * Content-length fix-up. When a filter that may rewrite bodies is in the chain, headers with a
   * content-length wait (past every filter) for the first body chunk: if that chunk ends the
   * body its length becomes the content-length, otherwise content-length is dropped (chunked).
   */
  /** @internal */
  mayRewrite(request: boolean, h: HeaderMap): boolean {
    if (!h.has('content-length')) return false;
    for (const f of this.filters) if (request ? f.rewritesRequestBody : f.rewritesResponseBody) return true;
    return false;
  }

  /** @internal */
  fixLength(h: HeaderMap, first: Buffer | undefined, end: boolean): HeaderMap {
    if (first !== undefined && end) {
      if (h.get('content-length') !== String(first.length)) h.set('content-length', String(first.length));
    } else h.remove('content-length');
    return h;
  }

  /** @internal */
  sendRequestHeaders(h: HeaderMap, end: boolean): void {
    this.heldRequestHeaders = undefined;
    this.requestSent = true;
    this.sink.sendRequestHeaders(h, end);
  }

  /** @internal */
  sendResponseHeaders(h: HeaderMap, end: boolean): void {
    this.heldResponseHeaders = undefined;
    this.responseSent = true;
    const status = Number(h.get(':status'));
    if (status) this.sink.info.responseCode = status;
    this.sink.sendResponseHeaders(h, end);
  }

  decodeHeaders(headers: HeaderMap, endStream: boolean): void {
    if (!this.completed) this.dec.startHeaders(headers, endStream);
  }

  decodeData(chunk: Buffer, endStream: boolean): void {
    if (!this.completed) this.dec.data(chunk, endStream);
  }

  decodeTrailers(trailers: HeaderMap): void {
    if (!this.completed) this.dec.trailers(trailers);
  }

  encodeHeaders(headers: HeaderMap, endStream: boolean): void {
    if (!this.completed && !this.localReply) this.enc.startHeaders(headers, endStream);
  }

  encodeData(chunk: Buffer, endStream: boolean): void {
    if (!this.completed && !this.localReply) this.enc.data(chunk, endStream);
  }

  encodeTrailers(trailers: HeaderMap): void {
    if (!this.completed && !this.localReply) this.enc.trailers(trailers);
  }

  continueDecoding(index: number): void {
    if (!this.completed) this.dec.resume(index);
  }

  continueEncoding(index: number): void {
    if (!this.completed) this.enc.resume(this.filters.length - 1 - index);
  }

  /**
   * Answers locally. Before the response entered the encoder filters the reply passes them
   * (Envoy's sendLocalReplyViaFilterChain); once it did, it goes straight downstream; once
   * response headers went downstream, the stream can only be reset.
   */
  sendLocalReply(status: number, body: Buffer, headers: readonly string[], details: string): void {
    if (this.completed) return;
    // 1xx, 204 and 304 carry no body and no content-length (RFC 9110 §8.6); Envoy drops it too.
    const bodiless = status < 200 || status === 204 || status === 304;
    if (bodiless) body = EMPTY;
    if (this.responseSent) {
      this.reset(details);
      return;
    }
    const info = this.sink.info;
    info.responseCodeDetails = details;
    if (!info.responseFlags.includes('LR')) info.responseFlags.push('LR');
    this.dec.ended = true;
    if (this.requestSent && !this.upstreamCancelled) {
      this.upstreamCancelled = true;
      this.sink.cancelUpstream();
    }
    const h = new HeaderMap([':status', String(status)]);
    for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i] !== ':status') h.add(headers[i]!, headers[i + 1]!);
    if (body.length > 0 && !h.has('content-type')) h.add('content-type', 'text/plain');
    if (bodiless) h.remove('content-length');
    else h.set('content-length', String(body.length));
    const viaFilters = !this.localReply && this.enc.headers === undefined;
    this.localReply = true;
    if (viaFilters) {
      this.enc.startHeaders(h, body.length === 0);
      if (body.length > 0) this.enc.data(body, true);
      return;
    }
    this.enc.ended = true;
    this.responseSent = true;
    info.responseCode = status;
    this.sink.sendResponseHeaders(h, body.length === 0);
    if (body.length > 0) this.sink.sendResponseData(body, true);
  }

  reset(details: string): void {
    if (this.completed) return;
    this.dec.ended = true;
    this.enc.ended = true;
    this.sink.info.responseCodeDetails ??= details;
    this.sink.reset(details);
  }

  /** fail_closed: 503 with `wasm filter failed`, or a reset once the response started. */
  failStream(): void {
    this.sendLocalReply(503, Buffer.from(WASM_FAILED), [], WASM_FAILED);
  }

  complete(): void {
    if (this.completed) return;
    this.completed = true;
    this.dec.ended = true;
    this.enc.ended = true;
    for (const f of this.filters) f.complete();
    this.onComplete?.();
  }
}
