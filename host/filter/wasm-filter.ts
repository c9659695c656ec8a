/**
 * A proxy-wasm plugin as a stream filter: one WasmStreamFilter per request, created lazily (its
 * context is created when the request headers reach it, or at the end of a stream it never
 * saw), implementing the StreamHost the host functions use.
 */
import { HeaderMap } from '../http/header-map.js';
import type { StreamInfo } from '../http/stream-info.js';
import type { Route } from '../router/contract.js';
import { StreamType, WasmResult } from '../wasm/abi.js';
import type { BodyRef, StreamContext, StreamHost } from '../wasm/context.js';
import type { WasmVm } from '../wasm/vm.js';
import type { FilterCallbacks, StreamFilter } from './filter-manager.js';
import type { WasmFilterFactory } from './wasm-filter-factory.js';

const STOP = 1;

interface PendingReply {
  status: number;
  body: Buffer;
  headers: string[];
  details: string;
}

/** A wasm filter's part of one stream: filter callbacks in, StreamHost for its host functions. */
export class WasmStreamFilter implements StreamFilter, StreamHost {
  readonly wantsRequestBody: boolean;
  readonly wantsRequestTrailers: boolean;
  readonly wantsResponseBody: boolean;
  readonly wantsResponseTrailers: boolean;
  readonly rewritesRequestBody: boolean;
  readonly rewritesResponseBody: boolean;
  private vm: WasmVm | undefined;
  private ctx: StreamContext | undefined;
  /** fail_open after a failure: the filter is transparent for the rest of the stream. */
  private skipped = false;
  private inCallback = false;
  /** Directions this filter holds stopped (bit 1 request, bit 2 response), until it continues them. */
  private holding = 0;
  /** This filter answered locally: it holds nothing any more. */
  private replied = false;
  private pendingReply: PendingReply | undefined;
  /** proxy_close_stream was called during the current callback. */
  private pendingClose = false;
  private reqHeaders: HeaderMap | undefined;
  private reqTrailers: HeaderMap | undefined;
  private respHeaders: HeaderMap | undefined;
  private respTrailers: HeaderMap | undefined;
  private reqBody: BodyRef | undefined;
  private respBody: BodyRef | undefined;
  /** During a body callback at end of stream: its trailer map type (1 or 3), else 0. */
  private bodyEnd = 0;
  private addedReqTrailers: HeaderMap | undefined;
  private addedRespTrailers: HeaderMap | undefined;

  constructor(private readonly f: WasmFilterFactory, private readonly cb: FilterCallbacks) {
    this.wantsRequestBody = f.wantsRequestBody;
    this.wantsRequestTrailers = f.wantsRequestTrailers;
    this.wantsResponseBody = f.wantsResponseBody;
    this.wantsResponseTrailers = f.wantsResponseTrailers;
    this.rewritesRequestBody = f.rewritesBodies && f.wantsRequestBody;
    this.rewritesResponseBody = f.rewritesBodies && f.wantsResponseBody;
  }

  // ---- StreamHost (used by host functions) ----
  get info(): StreamInfo {
    return this.cb.info;
  }

  route(): Route | null {
    return this.cb.route();
  }

  map(type: number, write = false): HeaderMap | undefined {
    const m = type === 0 ? this.reqHeaders : type === 1 ? this.reqTrailers : type === 2 ? this.respHeaders : type === 3 ? this.respTrailers : undefined;
    if (m || !write || (type !== 1 && type !== 3) || this.bodyEnd !== (type === 1 ? 1 : 3)) return m;
    // Envoy's addDecodedTrailers / addEncodedTrailers: the body callback at end of stream may
    // add trailers; they follow the body once the callback let it go.
    const t = new HeaderMap();
    if (type === 1) this.reqTrailers = this.addedReqTrailers = t;
    else this.respTrailers = this.addedRespTrailers = t;
    return t;
  }

  takeAddedTrailers(request: boolean): HeaderMap | undefined {
    const t = request ? this.addedReqTrailers : this.addedRespTrailers;
    if (request) this.addedReqTrailers = undefined;
    else this.addedRespTrailers = undefined;
    return t !== undefined && t.count > 0 ? t : undefined;
  }

  body(type: number): BodyRef | undefined {
    return type === 0 ? this.reqBody : type === 1 ? this.respBody : undefined;
  }

  /**
   * Runs `action` after the current callback returned (Envoy's after-VM-call actions). A throw
   * there would have no caller to catch it: it resets the stream instead of reaching the process.
   */
  private defer(action: () => void): void {
    queueMicrotask(() => {
      try {
        action();
      } catch (err) {
        this.f.plugin.logError(`deferred stream action failed: ${(err as Error).message}`);
        try {
          this.cb.reset('filter_chain_error');
        } catch {
          // nothing more can be done for this stream
        }
      }
    });
  }

  vmFailed(): void {
    if (this.skipped || this.holding === 0) return;
    const holding = this.holding;
    this.holding = 0;
    this.skipped = true;
    const i = this.f.index;
    this.defer(() => {
      if (this.f.plugin.failurePolicy !== 'fail_open') this.cb.failStream();
      else {
        if (holding & 1) this.cb.continueDecoding(i);
        if (holding & 2) this.cb.continueEncoding(i);
      }
    });
  }

  continueStream(type: StreamType): WasmResult {
    this.holding &= type === StreamType.Request ? ~1 : ~2;
    const i = this.f.index;
    this.defer(() => (type === StreamType.Request ? this.cb.continueDecoding(i) : this.cb.continueEncoding(i)));
    return WasmResult.Ok;
  }

  closeStream(_type: StreamType): WasmResult {
    // Inside a callback the reset must happen before its status is acted on (Envoy's
    // after-VM-call actions), or the headers it was called for would already be forwarded.
    if (this.inCallback) this.pendingClose = true;
    else this.defer(() => this.cb.reset('wasm_close_stream'));
    return WasmResult.Ok;
  }

  sendLocalResponse(status: number, details: string, body: Buffer, headers: string[], grpc: number): WasmResult {
    // A gRPC status (0–16; SDKs pass -1 for "not gRPC") travels as the grpc-status header.
    if (grpc >= 0 && grpc <= 16) headers = [...headers, 'grpc-status', String(grpc)];
    const reply = { status, body, headers, details };
    if (this.inCallback) this.pendingReply = reply;
    else this.defer(() => this.cb.sendLocalReply(status, body, headers, details));
    return WasmResult.Ok;
  }

  // ---- StreamFilter (used by the filter manager) ----
  /** The context for this stream; created on first use. undefined → skip (fail_open) or failed. */
  private context(): StreamContext | undefined {
    if (this.ctx || this.skipped) return this.ctx;
    this.vm = this.f.plugin.vm();
    if (!this.vm.failed) this.ctx = this.vm.createStream(this);
    return this.ctx;
  }

  /** The VM failed (before or during this call): apply the failure policy. Returns the status. */
  private failed(): number {
    // fail_open: transparent from now on. fail_closed / fail_reload: fail the stream once; the
    // resulting local reply then passes this filter untouched.
    this.skipped = true;
    if (this.f.plugin.failurePolicy === 'fail_open') return 0;
    this.cb.failStream();
    return STOP;
  }

  private call(name: string, a: number, b: number): number {
    const ctx = this.ctx!;
    this.inCallback = true;
    const r = this.vm!.invoke(name, ctx, ctx.id, a, b);
    this.inCallback = false;
    if (r === undefined) return this.failed();
    if (this.pendingClose) {
      this.pendingClose = false;
      this.pendingReply = undefined;
      this.replied = true;
      this.cb.reset('wasm_close_stream');
      return STOP;
    }
    const reply = this.pendingReply;
    if (reply) {
      this.pendingReply = undefined;
      this.replied = true;
      this.cb.sendLocalReply(reply.status, reply.body, reply.headers, reply.details);
      return STOP;
    }
    return r;
  }

  /** Records that the filter holds direction `bit` when it stopped it (not after a failure). */
  private held(bit: number, status: number): number {
    if (status !== 0 && !this.skipped && !this.replied) this.holding |= bit;
    return status;
  }

  /** Shared entry: context, failure state, and whether the module has the callback. */
  private ready(name: string): number {
    if (this.skipped) return 0;
    const ctx = this.context();
    if (this.skipped) return 0;
    if (!ctx || this.vm!.failed) return this.failed();
    return this.vm!.has(name) ? -1 : 0;
  }

  requestHeaders(h: HeaderMap, end: boolean): number {
    this.reqHeaders = h;
    const r = this.ready('proxy_on_request_headers');
    if (r >= 0) return r;
    const st = this.call('proxy_on_request_headers', h.count, end ? 1 : 0);
    return this.held(1, st === 0 || st === 2 ? 0 : STOP); // ContinueAndEndStream is Continue in Envoy
  }

  requestBody(body: BodyRef, end: boolean): number {
    this.reqBody = body;
    const r = this.ready('proxy_on_request_body');
    if (r >= 0) return r;
    this.bodyEnd = end ? 1 : 0;
    const st = this.call('proxy_on_request_body', body.length, end ? 1 : 0);
    this.bodyEnd = 0;
    return this.held(1, st === 0 ? 0 : STOP);
  }

  requestTrailers(t: HeaderMap): number {
    this.reqTrailers = t;
    const r = this.ready('proxy_on_request_trailers');
    if (r >= 0) return r;
    return this.held(1, this.call('proxy_on_request_trailers', t.count, 0) === 0 ? 0 : STOP);
  }

  /** Encoder callbacks run only for filters whose context exists (as Envoy). */
  private readyEncode(name: string): number {
    if (this.skipped || (!this.ctx && !this.vm)) return 0;
    if (!this.ctx || this.vm!.failed) return this.failed();
    return this.vm!.has(name) ? -1 : 0;
  }

  responseHeaders(h: HeaderMap, end: boolean): number {
    this.respHeaders = h;
    const r = this.readyEncode('proxy_on_response_headers');
    if (r >= 0) return r;
    const st = this.call('proxy_on_response_headers', h.count, end ? 1 : 0);
    return this.held(2, st === 0 || st === 2 ? 0 : STOP);
  }

  responseBody(body: BodyRef, end: boolean): number {
    this.respBody = body;
    const r = this.readyEncode('proxy_on_response_body');
    if (r >= 0) return r;
    this.bodyEnd = end ? 3 : 0;
    const st = this.call('proxy_on_response_body', body.length, end ? 1 : 0);
    this.bodyEnd = 0;
    return this.held(2, st === 0 ? 0 : STOP);
  }

  responseTrailers(t: HeaderMap): number {
    this.respTrailers = t;
    const r = this.readyEncode('proxy_on_response_trailers');
    if (r >= 0) return r;
    return this.held(2, this.call('proxy_on_response_trailers', t.count, 0) === 0 ? 0 : STOP);
  }

  /**
   * Stream over. A filter that never saw the request (an earlier filter answered first) still
   * gets its context, created here, and on_log, on_done, on_delete: Envoy creates it from log().
   */
  complete(): void {
    const ctx = this.context();
    if (ctx && this.vm) this.vm.endStream(ctx);
  }
}

