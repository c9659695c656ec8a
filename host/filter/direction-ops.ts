/**
 * The two directions of a FilterManager as DirectionOps: decode runs the filters in config order
 * into the sink's request side, encode runs them in reverse into the response side. One object
 * per direction per stream (no per-stream closures), methods on the prototype.
 */
import type { HeaderMap } from '../http/header-map.js';
import type { BodyRef } from '../wasm/context.js';
import type { FilterManager, StreamFilter } from './filter-manager.js';
import type { DirectionOps } from './iteration.js';

/** Decoder direction: config order, into the request side of the sink. */
export class DecodeOps implements DirectionOps {
  constructor(private readonly m: FilterManager) {}
  headers(k: number, h: HeaderMap, end: boolean): number { return this.m.filters[k]!.requestHeaders(h, end); }
  wantsData(k: number): boolean { return this.m.filters[k]!.wantsRequestBody; }
  wantsTrailers(k: number): boolean { return this.m.filters[k]!.wantsRequestTrailers; }
  data(k: number, b: BodyRef, end: boolean): number { return this.m.filters[k]!.requestBody(b, end); }
  trailers(k: number, t: HeaderMap): number { return this.m.filters[k]!.requestTrailers(t); }

  sinkHeaders(h: HeaderMap, end: boolean): void {
    if (!end && this.m.mayRewrite(true, h)) this.m.heldRequestHeaders = h;
    else this.m.sendRequestHeaders(h, end);
  }

  sinkData(c: Buffer, end: boolean): void {
    const held = this.m.heldRequestHeaders;
    if (held) this.m.sendRequestHeaders(this.m.fixLength(held, c, end), false);
    this.m.sink.sendRequestData(c, end);
  }

  sinkTrailers(t: HeaderMap): void {
    const held = this.m.heldRequestHeaders;
    if (held) this.m.sendRequestHeaders(this.m.fixLength(held, undefined, false), false);
    this.m.sink.sendRequestTrailers(t);
  }

  paused(on: boolean): void {
    if (on) this.m.sink.pauseRequestBody();
    else this.m.sink.resumeRequestBody();
  }

  addedTrailers(k: number): HeaderMap | undefined { return this.m.filters[k]!.takeAddedTrailers?.(true); }

  tooLarge(): void {
    this.m.sendLocalReply(413, Buffer.from('Payload Too Large'), [], 'request_payload_too_large');
  }
}

/** Encoder direction: reverse order, into the response side of the sink. */
export class EncodeOps implements DirectionOps {
  constructor(private readonly m: FilterManager) {}
  private f(k: number): StreamFilter { return this.m.filters[this.m.filters.length - 1 - k]!; }
  headers(k: number, h: HeaderMap, end: boolean): number { return this.f(k).responseHeaders(h, end); }
  wantsData(k: number): boolean { return this.f(k).wantsResponseBody; }
  wantsTrailers(k: number): boolean { return this.f(k).wantsResponseTrailers; }
  data(k: number, b: BodyRef, end: boolean): number { return this.f(k).responseBody(b, end); }
  trailers(k: number, t: HeaderMap): number { return this.f(k).responseTrailers(t); }

  sinkHeaders(h: HeaderMap, end: boolean): void {
    if (!end && this.m.mayRewrite(false, h)) this.m.heldResponseHeaders = h;
    else this.m.sendResponseHeaders(h, end);
  }

  sinkData(c: Buffer, end: boolean): void {
    const held = this.m.heldResponseHeaders;
    if (held) this.m.sendResponseHeaders(this.m.fixLength(held, c, end), false);
    this.m.sink.sendResponseData(c, end);
  }

  sinkTrailers(t: HeaderMap): void {
    const held = this.m.heldResponseHeaders;
    if (held) this.m.sendResponseHeaders(this.m.fixLength(held, undefined, false), false);
    this.m.sink.sendResponseTrailers(t);
  }

  paused(): void {}

  addedTrailers(k: number): HeaderMap | undefined { return this.f(k).takeAddedTrailers?.(false); }

  tooLarge(): void {
    this.m.sendLocalReply(500, Buffer.from('Internal Server Error'), [], 'response_payload_too_large');
  }
}
