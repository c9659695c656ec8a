/**
 * What a filter test gives the harness (a request, an upstream response) and what it reads
 * back (what reached the upstream, what the client got).
 */
import type { HeaderMap } from '../../host/http/header-map.js';
import type { StreamInfo } from '../../host/http/stream-info.js';

/** Headers as a test writes them: an object (array values repeat the header) or pairs. */
export type HeadersInit = Record<string, string | readonly string[]> | ReadonlyArray<readonly [string, string]>;

/** The response the (simulated) upstream sends once the whole request reached it. */
export interface ResponseSpec {
  /** Default 200. */
  status?: number;
  /** Response headers (content-length is added when absent and there are no trailers). */
  headers?: HeadersInit;
  /** One body, or chunks delivered one by one. */
  body?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Response trailers; when set the response ends with them. */
  trailers?: HeadersInit;
}

/** One request through the filter chain. */
export interface RequestSpec {
  /** Default GET. */
  method?: string;
  /** Request-target with query. Default "/". */
  path?: string;
  /** Host / :authority. Default "example.com". */
  authority?: string;
  /** Default "http". */
  scheme?: 'http' | 'https';
  /** Request headers besides the pseudo-headers. */
  headers?: HeadersInit;
  /** One body, or chunks delivered one by one (each a separate on_request_body). */
  body?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Request trailers; when set the request ends with them. */
  trailers?: HeadersInit;
  /** Client address seen by the filter (source.address). Default 127.0.0.1. */
  remoteAddress?: string;
  /** Default 40000. */
  remotePort?: number;
  /** Name of the matched route (properties `route_name` / `xds.route_name`). Default none. */
  routeName?: string;
  /**
   * The upstream's answer: a fixed response, or a function of what reached the upstream.
   * Default: 200 with no body.
   */
  upstream?: ResponseSpec | ((req: UpstreamRequest) => ResponseSpec);
  /** Give up after this many ms (the exchange then rejects). Default 5000. */
  timeoutMs?: number;
}

/** What reached the upstream after the request filters ran. */
export interface UpstreamRequest {
  /** Headers as forwarded (pseudo-headers included). */
  readonly headers: HeaderMap;
  /** The whole forwarded body. */
  readonly body: Buffer;
  /** Forwarded trailers, if any. */
  readonly trailers: HeaderMap | undefined;
  /** First value of header `name` (pseudo-headers too: ":path"). */
  header(name: string): string | undefined;
}

/** What the client got, plus what happened on the way. */
export interface ExchangeResult {
  /** Response status sent downstream (0 if the stream was reset before any). */
  readonly status: number;
  /** Response headers sent downstream (`:status` included). */
  readonly headers: HeaderMap;
  /** Response body sent downstream. */
  readonly body: Buffer;
  /** The body as UTF-8. */
  readonly text: string;
  /** Response trailers sent downstream, if any. */
  readonly trailers: HeaderMap | undefined;
  /** First value of response header `name`. */
  header(name: string): string | undefined;
  /** What reached the upstream; undefined when the request never got there. */
  readonly upstream: UpstreamRequest | undefined;
  /** True when a filter (or the filter manager) answered instead of the upstream. */
  readonly localReply: boolean;
  /** Details of a local reply or reset (e.g. "key_auth_denied"). */
  readonly details: string | undefined;
  /** Set when the stream was reset instead of answered. */
  readonly reset: string | undefined;
  /** The stream's info as the host recorded it (response flags, details, timings). */
  readonly info: StreamInfo;
}

/** An http_call a filter made, as the harness's clusters received it. */
export interface HttpCallRequest {
  /** Cluster the filter named. */
  readonly cluster: string;
  /** `:method` of the call. */
  readonly method: string;
  /** `:path` of the call (query included). */
  readonly path: string;
  /** Headers as sent (host for :authority), lower-case names. */
  readonly headers: Record<string, string>;
  /** Request body (empty when none). */
  readonly body: Buffer;
}

/** How a test answers an http_call. */
export interface HttpCallReply {
  /** Response status. Default 200. */
  status?: number;
  /** Response headers (names are lower-cased). */
  headers?: Record<string, string>;
  /** Response body. Default empty. */
  body?: string | Buffer;
  /** Response trailers, delivered to the filter as the http_call's trailers. Default none. */
  trailers?: Record<string, string>;
}

/** Log line written by a filter (or by the host about it). */
export interface LogLine {
  /** trace, debug, info, warn, error or critical. */
  level: string;
  /** Message without the host's `wasm log <filter>: ` prefix. */
  message: string;
  /** Name of the filter the line is about, when the host knows it. */
  filter: string | undefined;
}
