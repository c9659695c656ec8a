/**
 * What every context (root, HTTP stream, TCP stream) has: its id, the lifecycle callbacks the
 * host calls at its end, and outgoing HTTP calls whose answers come back to it.
 */
import {
  proxy_grpc_call, proxy_grpc_cancel, proxy_grpc_close, proxy_grpc_send, proxy_grpc_stream, proxy_http_call,
  proxy_set_effective_context,
} from "../abi/imports";
import { WasmResult } from "../abi/enums";
import { OUT_SCALAR, resetOut, scalarU32, utf8 } from "../abi/memory";
import { Header, serializePairs } from "../abi/pairs";
import { HttpCallResponse } from "../api/http-call";
import { log } from "../api/log";
import { GrpcCallCallback, GrpcResponse, GrpcStreamHandler } from "./grpc";
import { findGrpc, takeGrpc, trackCall, trackGrpc } from "./registry";

/**
 * Called when an http_call's answer (or failure) arrives. `origin` is the context that made
 * the call (cast it to your class); the host's effective context is already set to it, so
 * `origin` may resume or answer its stream.
 */
export type HttpCallCallback = (origin: BaseContext, response: HttpCallResponse) => void;

/** Base of every context. All callbacks do nothing by default. */
export class BaseContext {
  /** Host-assigned id, unique among live contexts of this VM. */
  readonly contextId: u32;
  /** Outstanding http_calls and gRPC callouts made by this context (tracked so none outlive it). */
  pendingCalls: i32 = 0;
  /**
   * The host's answer to this context's last `httpCall`, `grpcCall` or `grpcStream` request:
   * why a call returned token 0 (e.g. `Unimplemented` for gRPC on Sluice).
   */
  lastCalloutResult: WasmResult = WasmResult.Ok;

  /** Creates the context; the SDK calls this through the factory you registered. */
  constructor(id: u32) {
    this.contextId = id;
  }

  /**
   * The host is done with this context (stream over, or VM shutting down for a root).
   * Return true when finished; a root returning false must later call `done()`.
   */
  onDone(): bool {
    return true;
  }

  /** Access-log time: every map of the finished stream is still readable. */
  onLog(): void {}

  /** Last callback; after it the SDK forgets the context and its pending calls. */
  onDelete(): void {}

  /** Default receiver of http_call answers made without a callback. */
  onHttpCallResponse(token: u32, response: HttpCallResponse): void {}

  /** Default receiver of unary gRPC outcomes for calls made without a callback. */
  onGrpcCallResponse(response: GrpcResponse): void {}

  /**
   * Makes this the context later hostcalls act on until the current callback returns (needed
   * when a root acts on a stream, e.g. from `onTick`). The SDK does it for you in resume calls.
   */
  makeEffective(): WasmResult {
    return <WasmResult>proxy_set_effective_context(this.contextId);
  }

  /**
   * Sends an HTTP request to `upstream` (a cluster name). `headers` must include `:method`,
   * `:path` and `:authority`. Returns the call's token, or 0 when the host refused it (unknown
   * cluster, missing pseudo-headers); the answer arrives later through `callback` (or
   * `onHttpCallResponse` when null). `timeoutMs` 0 means no timeout.
   */
  httpCall(
    upstream: string,
    headers: Array<Header>,
    body: ArrayBuffer | null,
    trailers: Array<Header> | null,
    timeoutMs: u32,
    callback: HttpCallCallback | null = null,
  ): u32 {
    const u = utf8(upstream);
    const h = serializePairs(headers);
    const t = serializePairs(trailers === null ? new Array<Header>() : trailers);
    const bodyPtr = body === null ? 0 : changetype<usize>(body);
    const bodyLen = body === null ? 0 : body.byteLength;
    resetOut();
    const status = proxy_http_call(
      changetype<usize>(u), u.byteLength, changetype<usize>(h), h.byteLength,
      bodyPtr, bodyLen, changetype<usize>(t), t.byteLength, timeoutMs, OUT_SCALAR,
    );
    this.lastCalloutResult = <WasmResult>status;
    if (status != WasmResult.Ok) {
      log.warn("http_call to " + upstream + " failed with status " + status.toString());
      return 0;
    }
    const token = scalarU32();
    trackCall(token, this, callback);
    return token;
  }

  /**
   * Calls unary gRPC method `service`/`method` on `upstream` (a cluster name, or a serialized
   * GrpcService on Envoy) with `message` (serialized protobuf) and initial `metadata`. Returns
   * the call's token, or 0 when the host refused it (reason in `lastCalloutResult`); the
   * outcome arrives later through `callback` (or `onGrpcCallResponse` when null).
   */
  grpcCall(
    upstream: string,
    service: string,
    method: string,
    metadata: Array<Header> | null,
    message: ArrayBuffer,
    timeoutMs: u32,
    callback: GrpcCallCallback | null = null,
  ): u32 {
    const u = utf8(upstream);
    const s = utf8(service);
    const m = utf8(method);
    const md = serializePairs(metadata === null ? new Array<Header>() : metadata);
    resetOut();
    const status = proxy_grpc_call(
      changetype<usize>(u), u.byteLength, changetype<usize>(s), s.byteLength, changetype<usize>(m), m.byteLength,
      changetype<usize>(md), md.byteLength, changetype<usize>(message), message.byteLength, timeoutMs, OUT_SCALAR,
    );
    return this.grpcStarted(status, upstream, callback, null);
  }

  /**
   * Opens a gRPC stream to `service`/`method` on `upstream`; events go to `handler`. Returns
   * the stream's token for `grpcSend` / `grpcClose` / `grpcCancel`, or 0 when refused (reason
   * in `lastCalloutResult`).
   */
  grpcStream(upstream: string, service: string, method: string, metadata: Array<Header> | null, handler: GrpcStreamHandler): u32 {
    const u = utf8(upstream);
    const s = utf8(service);
    const m = utf8(method);
    const md = serializePairs(metadata === null ? new Array<Header>() : metadata);
    resetOut();
    const status = proxy_grpc_stream(
      changetype<usize>(u), u.byteLength, changetype<usize>(s), s.byteLength, changetype<usize>(m), m.byteLength,
      changetype<usize>(md), md.byteLength, OUT_SCALAR,
    );
    return this.grpcStarted(status, upstream, null, handler);
  }

  private grpcStarted(status: u32, upstream: string, callback: GrpcCallCallback | null, handler: GrpcStreamHandler | null): u32 {
    this.lastCalloutResult = <WasmResult>status;
    if (status != WasmResult.Ok) {
      log.warn("grpc callout to " + upstream + " refused with status " + status.toString());
      return 0;
    }
    const token = scalarU32();
    trackGrpc(token, this, callback, handler);
    return token;
  }

  /** Sends `message` on stream `token`; `endStream` half-closes it. */
  grpcSend(token: u32, message: ArrayBuffer, endStream: bool = false): WasmResult {
    return <WasmResult>proxy_grpc_send(token, changetype<usize>(message), message.byteLength, endStream ? 1 : 0);
  }

  /** Half-closes stream `token` (the server may still answer), or abandons call `token`. */
  grpcClose(token: u32): WasmResult {
    const pending = findGrpc(token);
    // A stream keeps listening until the server closes; a unary call is over.
    if (pending !== null && pending.handler === null) takeGrpc(token);
    return <WasmResult>proxy_grpc_close(token);
  }

  /** Cancels call or stream `token`: no further events are delivered for it. */
  grpcCancel(token: u32): WasmResult {
    takeGrpc(token);
    return <WasmResult>proxy_grpc_cancel(token);
  }
}
