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
  /** Finest detail, off in production. */
  Trace = 0,
  /** Diagnostic detail. */
  Debug = 1,
  /** Normal operation worth recording. */
  Info = 2,
  /** Something unexpected that the filter handled. */
  Warn = 3,
  /** A failure the operator should fix. */
  Error = 4,
  /** The filter cannot work. */
  Critical = 5,
}

/** Header maps a context can reach (`proxy_map_type_t`). */
export enum MapType {
  /** Request headers of the current stream. */
  HttpRequestHeaders = 0,
  /** Request trailers of the current stream. */
  HttpRequestTrailers = 1,
  /** Response headers of the current stream. */
  HttpResponseHeaders = 2,
  /** Response trailers of the current stream. */
  HttpResponseTrailers = 3,
  /** Initial metadata of the gRPC callout being delivered. */
  GrpcReceiveInitialMetadata = 4,
  /** Trailing metadata of the gRPC callout being delivered. */
  GrpcReceiveTrailingMetadata = 5,
  /** Headers of the http_call response being delivered. */
  HttpCallResponseHeaders = 6,
  /** Trailers of the http_call response being delivered. */
  HttpCallResponseTrailers = 7,
}

/** Byte buffers a context can reach (`proxy_buffer_type_t`). */
export enum BufferType {
  /** Request body of the current stream. */
  HttpRequestBody = 0,
  /** Response body of the current stream. */
  HttpResponseBody = 1,
  /** Data from the client of a TCP connection. */
  DownstreamData = 2,
  /** Data from the upstream of a TCP connection. */
  UpstreamData = 3,
  /** Body of the http_call response being delivered. */
  HttpCallResponseBody = 4,
  /** Message of the gRPC callout being delivered. */
  GrpcReceiveBuffer = 5,
  /** VM configuration (in `onVmStart`). */
  VmConfiguration = 6,
  /** Plugin configuration (in `onConfigure`). */
  PluginConfiguration = 7,
  /** Arguments of a host-initiated foreign function call. */
  CallData = 8,
}

/** Streams `proxy_continue_stream` / `proxy_close_stream` act on. */
export enum StreamType {
  /** The request direction of an HTTP stream. */
  HttpRequest = 0,
  /** The response direction of an HTTP stream. */
  HttpResponse = 1,
  /** The client side of a TCP connection. */
  Downstream = 2,
  /** The upstream side of a TCP connection. */
  Upstream = 3,
}

/** Who closed a TCP connection. */
export enum PeerType {
  /** The host cannot tell. */
  Unknown = 0,
  /** The proxy closed it. */
  Local = 1,
  /** The peer closed it. */
  Remote = 2,
}

/** Metric kinds of `proxy_define_metric`. */
export enum MetricType {
  /** Only ever increases. */
  Counter = 0,
  /** Goes up and down. */
  Gauge = 1,
  /** Records a distribution of values. */
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

/** gRPC status codes: for `sendLocalResponse` (`None`, -1, means the reply is not gRPC) and gRPC callout outcomes. */
export enum GrpcStatus {
  /** Not a gRPC reply. */
  None = -1,
  /** Success. */
  Ok = 0,
  /** Cancelled by the caller. */
  Cancelled = 1,
  /** Unknown error. */
  Unknown = 2,
  /** The request was invalid. */
  InvalidArgument = 3,
  /** The deadline passed. */
  DeadlineExceeded = 4,
  /** The entity was not found. */
  NotFound = 5,
  /** The entity already exists. */
  AlreadyExists = 6,
  /** The caller may not do this. */
  PermissionDenied = 7,
  /** Out of quota or capacity. */
  ResourceExhausted = 8,
  /** The system is not in a state to do this. */
  FailedPrecondition = 9,
  /** Aborted (e.g. a concurrency conflict). */
  Aborted = 10,
  /** Past the valid range. */
  OutOfRange = 11,
  /** Not implemented by the server. */
  Unimplemented = 12,
  /** Internal server error. */
  Internal = 13,
  /** The service is unavailable (retry may help). */
  Unavailable = 14,
  /** Unrecoverable data loss. */
  DataLoss = 15,
  /** No valid credentials. */
  Unauthenticated = 16,
}
