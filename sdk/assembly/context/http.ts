/**
 * The HTTP stream context: one per request, created by the root's `newHttpContext`. The host
 * calls the request callbacks in order, then the response callbacks, then `onLog`, `onDone`,
 * `onDelete`. Each callback returns a status that says whether the stream goes on.
 */
import { proxy_close_stream, proxy_continue_stream, proxy_send_local_response } from "../abi/imports";
import {
  FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus, GrpcStatus, StreamType, WasmResult,
} from "../abi/enums";
import { utf8 } from "../abi/memory";
import { Header, serializePairs } from "../abi/pairs";
import { BodyBuffer, requestBody, responseBody } from "../api/buffers";
import { HeaderMap, requestHeaders, requestTrailers, responseHeaders, responseTrailers } from "../api/headers";
import { log } from "../api/log";
import { BaseContext } from "./base";
import { RootContext } from "./root";

/** Base HTTP context: every callback continues and changes nothing. */
export class HttpContext extends BaseContext {
  /** The plugin's root context (its parsed configuration lives there). */
  readonly root: RootContext;

  /** Creates the context; call from your root's `newHttpContext`. */
  constructor(id: u32, root: RootContext) {
    super(id);
    this.root = root;
  }

  /** Request headers arrived (`endOfStream`: no body follows). */
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }
  /** A request body chunk arrived; `bodySize` is everything buffered so far. */
  onRequestBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }
  /** Request trailers arrived. */
  onRequestTrailers(trailerCount: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }
  /** Response headers arrived (from the upstream or a local reply). */
  onResponseHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }
  /** A response body chunk arrived; `bodySize` is everything buffered so far. */
  onResponseBody(bodySize: u32, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }
  /** Response trailers arrived. */
  onResponseTrailers(trailerCount: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }

  /** Request headers (`:method`, `:path`, `:authority`, `:scheme` first). */
  get requestHeaders(): HeaderMap { return requestHeaders; }
  /** Request trailers. */
  get requestTrailers(): HeaderMap { return requestTrailers; }
  /** Response headers (`:status` first). */
  get responseHeaders(): HeaderMap { return responseHeaders; }
  /** Response trailers. */
  get responseTrailers(): HeaderMap { return responseTrailers; }
  /** Request body (in `onRequestBody`). */
  get requestBody(): BodyBuffer { return requestBody; }
  /** Response body (in `onResponseBody`). */
  get responseBody(): BodyBuffer { return responseBody; }

  /**
   * Answers the request here instead of forwarding it (or replaces the upstream response if
   * its headers were not sent yet). The current callback's return value is then ignored and
   * the stream stops; the reply still passes this filter's response callbacks. A refusal (e.g.
   * a status outside 100–999, or no stream) is logged at error and returned, never thrown.
   */
  sendLocalResponse(
    status: u32,
    body: string = "",
    headers: Array<Header> | null = null,
    details: string = "",
    grpcStatus: GrpcStatus = GrpcStatus.None,
  ): WasmResult {
    return this.sendLocalResponseBytes(status, utf8(body), headers, details, grpcStatus);
  }

  /** `sendLocalResponse` with a binary body. */
  sendLocalResponseBytes(
    status: u32,
    body: ArrayBuffer,
    headers: Array<Header> | null = null,
    details: string = "",
    grpcStatus: GrpcStatus = GrpcStatus.None,
  ): WasmResult {
    const d = utf8(details);
    const h = serializePairs(headers === null ? new Array<Header>() : headers);
    this.makeEffective();
    const result = <WasmResult>proxy_send_local_response(
      status, changetype<usize>(d), d.byteLength, changetype<usize>(body), body.byteLength,
      changetype<usize>(h), h.byteLength, <i32>grpcStatus,
    );
    // A refused reply means the request goes on unanswered: make the misconfiguration visible.
    if (result != WasmResult.Ok) {
      log.error("send_local_response(" + status.toString() + ") refused by the host with status " + (<u32>result).toString());
    }
    return result;
  }

  /** Resumes a request paused by a Stop status (e.g. after an http_call or a delay). */
  resumeRequest(): WasmResult {
    this.makeEffective();
    return <WasmResult>proxy_continue_stream(StreamType.HttpRequest);
  }

  /** Resumes a paused response. */
  resumeResponse(): WasmResult {
    this.makeEffective();
    return <WasmResult>proxy_continue_stream(StreamType.HttpResponse);
  }

  /** Resets the stream (both directions). */
  close(): WasmResult {
    this.makeEffective();
    return <WasmResult>proxy_close_stream(StreamType.HttpRequest);
  }
}
