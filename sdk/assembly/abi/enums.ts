/**
 * Status and type values of proxy-wasm ABI 0.2.1 (reference §2). Values are the wire values.
 */

/** Result of every host call (`proxy_status_t`). */
export enum WasmResult {
  /** The call succeeded. */
  Ok = 0,
  /** The key, buffer, queue or metric does not exist. */
  NotFound = 1,
  /** An argument was invalid or the map/buffer is not available in this callback. */
  BadArgument = 2,
  /** A value could not be serialized. */
  SerializationFailure = 3,
  /** A value could not be parsed. */
  ParseFailure = 4,
  /** Bad expression (C++ SDK only). */
  BadExpression = 5,
  /** A pointer passed to the host was out of bounds, or allocation failed. */
  InvalidMemoryAccess = 6,
  /** A queue had nothing to dequeue. */
  Empty = 7,
  /** Shared data was changed since it was read (compare-and-swap failed). */
  CasMismatch = 8,
  /** Result mismatch. */
  ResultMismatch = 9,
  /** The host failed internally. */
  InternalFailure = 10,
  /** An outgoing connection broke. */
  BrokenConnection = 11,
  /** The host does not implement this call. */
  Unimplemented = 12,
}

/** Log levels of `proxy_log` / `proxy_get_log_level`. */
export enum LogLevel {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
  Critical = 5,
}

/** Header maps a context can reach (`proxy_map_type_t`). */
export enum MapType {
  HttpRequestHeaders = 0,
  HttpRequestTrailers = 1,
  HttpResponseHeaders = 2,
  HttpResponseTrailers = 3,
  GrpcReceiveInitialMetadata = 4,
  GrpcReceiveTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}

/** Byte buffers a context can reach (`proxy_buffer_type_t`). */
export enum BufferType {
  HttpRequestBody = 0,
  HttpResponseBody = 1,
  DownstreamData = 2,
  UpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcReceiveBuffer = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  CallData = 8,
}

/** Streams `proxy_continue_stream` / `proxy_close_stream` act on. */
export enum StreamType {
  HttpRequest = 0,
  HttpResponse = 1,
  Downstream = 2,
  Upstream = 3,
}

/** Who closed a TCP connection. */
export enum PeerType {
  Unknown = 0,
  Local = 1,
  Remote = 2,
}

/** Metric kinds of `proxy_define_metric`. */
export enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/**
 * What `onRequestHeaders` / `onResponseHeaders` tell the host.
 * Envoy rewrites `StopIteration` to `StopAllIterationAndWatermark`: no body is delivered to
 * later filters until the stream is resumed with `resumeRequest()` / `resumeResponse()`.
 */
export enum FilterHeadersStatus {
  /** Pass the headers on to the next filter. */
  Continue = 0,
  /** Hold the headers (and everything after them) until resumed. */
  StopIteration = 1,
  /** Continue, and end the stream here (Envoy treats it as Continue). */
  ContinueAndEndStream = 2,
  /** Hold the headers and buffer the body until resumed. */
  StopAllIterationAndBuffer = 3,
  /** Hold the headers and the body, with flow control, until resumed. */
  StopAllIterationAndWatermark = 4,
}

/** What body callbacks tell the host. */
export enum FilterDataStatus {
  /** Pass this chunk on. */
  Continue = 0,
  /** Hold this chunk and buffer later ones; the next call sees the whole buffered body. */
  StopIterationAndBuffer = 1,
  /** Like StopIterationAndBuffer, with flow control. */
  StopIterationAndWatermark = 2,
  /** Hold this chunk without buffering later chunks into the same call. */
  StopIterationNoBuffer = 3,
}

/** What trailer callbacks tell the host. */
export enum FilterTrailersStatus {
  /** Pass the trailers on. */
  Continue = 0,
  /** Hold the trailers until resumed. */
  StopIteration = 1,
}

/** What TCP (network filter) callbacks tell the host. */
export enum FilterStatus {
  /** Pass the data on. */
  Continue = 0,
  /** Hold the data (it stays buffered; the next call sees all of it) until resumed. */
  StopIteration = 1,
}

/** gRPC status for `sendLocalResponse`; `None` (-1) means the reply is not gRPC. */
export enum GrpcStatus {
  None = -1,
  Ok = 0,
  Cancelled = 1,
  Unknown = 2,
  InvalidArgument = 3,
  DeadlineExceeded = 4,
  NotFound = 5,
  AlreadyExists = 6,
  PermissionDenied = 7,
  ResourceExhausted = 8,
  FailedPrecondition = 9,
  Aborted = 10,
  OutOfRange = 11,
  Unimplemented = 12,
  Internal = 13,
  Unavailable = 14,
  DataLoss = 15,
  Unauthenticated = 16,
}
