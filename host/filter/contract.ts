/**
 * Stream (L7) filter chain contract, between the HTTP connection manager (host/http) and the
 * filter manager (host/filter) that runs proxy-wasm filters.
 *
 * The connection manager owns sockets, routing and the upstream request; the filter manager owns
 * filter iteration (Continue / StopIteration / buffering), local replies and the filters' VMs.
 * When a listener has no http_filters the connection manager never builds a HeaderMap nor calls
 * anything here: the no-filter path pays nothing for filters.
 *
 * Data flows one way down (decode*) and one way back (encode*):
 *
 *   HCM --decodeHeaders/Data/Trailers--> FilterStream --sendRequest*--> sink (HCM → router → upstream)
 *   HCM --encodeHeaders/Data/Trailers--> FilterStream --sendResponse*--> sink (HCM → downstream)
 *
 * Requests pass filters in config order, responses in reverse order, as in Envoy.
 */
import type { HeaderMap } from '../http/header-map.js';
import type { StreamInfo } from '../http/stream-info.js';
import type { Route } from '../router/contract.js';

/** Built once per listener config from http_filters; immutable, shared by all streams. */
export interface HttpFilterChain {
  readonly filterNames: readonly string[];
  /**
   * Starts a stream through the chain. `route` is the route matched for the original request
   * headers (per-route filter overrides apply), or null when none matched.
   * Never throws: filter failures become local replies (fail_closed) or skipped filters (fail_open).
   */
  createStream(info: StreamInfo, sink: FilterStreamSink, route: Route | null): FilterStream;
  /** Releases VMs when the chain is replaced or the listener stops; in-flight streams finish first. */
  close(): Promise<void>;
}

/** One request's pass through the chain. Every method is called at most once per event, in order. */
export interface FilterStream {
  /** Request headers, with :method, :path, :authority, :scheme. `endStream`: no body follows. */
  decodeHeaders(headers: HeaderMap, endStream: boolean): void;
  decodeData(chunk: Buffer, endStream: boolean): void;
  decodeTrailers(trailers: HeaderMap): void;
  /** Response headers with :status, from the upstream or from a local reply of the connection
   *  manager (404 no route, 503 upstream failure, …): local replies pass the encoder filters too. */
  encodeHeaders(headers: HeaderMap, endStream: boolean): void;
  encodeData(chunk: Buffer, endStream: boolean): void;
  encodeTrailers(trailers: HeaderMap): void;
  /**
   * The stream is over (response finished, or downstream reset). Runs on_log, on_done and
   * on_delete (Envoy order) for every filter whose context was created. Idempotent.
   */
  complete(): void;
}

/** Implemented by the connection manager for one stream. */
export interface FilterStreamSink {
  readonly info: StreamInfo;
  /**
   * The decoder chain let the request headers through: route (again, if the filters changed
   * :path / :authority / headers) and start the upstream request. `endStream`: no body.
   */
  sendRequestHeaders(headers: HeaderMap, endStream: boolean): void;
  sendRequestData(chunk: Buffer, endStream: boolean): void;
  sendRequestTrailers(trailers: HeaderMap): void;
  /** The encoder chain let the response headers through: write them downstream. */
  sendResponseHeaders(headers: HeaderMap, endStream: boolean): void;
  sendResponseData(chunk: Buffer, endStream: boolean): void;
  sendResponseTrailers(trailers: HeaderMap): void;
  /** Backpressure while a filter holds request data (paused or buffering). */
  pauseRequestBody(): void;
  resumeRequestBody(): void;
  /** A filter answered locally after the upstream request started: abort it, nothing more is sent up. */
  cancelUpstream(): void;
  /** Abort the stream both ways (proxy_close_stream, failure after response headers went out). */
  reset(details: string): void;
  /** Route for the request headers as they are now (route_name / cluster_name properties). */
  currentRoute(): Route | null;
}

/** Envoy's filter status values, as proxy-wasm modules return them (see proxy-wasm-abi.md §2.1). */
export const enum FilterHeadersStatus {
  /** Pass headers to the next filter. */
  Continue = 0,
  /** Stop headers; (Envoy rewrites to StopAllIterationAndWatermark) body is not delivered until continue. */
  StopIteration = 1,
  ContinueAndEndStream = 2,
  StopAllIterationAndBuffer = 3,
  StopAllIterationAndWatermark = 4,
}

export const enum FilterDataStatus {
  Continue = 0,
  /** Hold this chunk and later ones; the next call sees the whole buffered body. */
  StopIterationAndBuffer = 1,
  StopIterationAndWatermark = 2,
  /** Hold this chunk without buffering later ones into the same call. */
  StopIterationNoBuffer = 3,
}

export const enum FilterTrailersStatus {
  Continue = 0,
  StopIteration = 1,
}
