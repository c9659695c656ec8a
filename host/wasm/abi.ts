/**
 * proxy-wasm ABI constants (see /work/shared/proxy-wasm-abi.md §2): status values, enum ranges,
 * and the closed list of import names the ABI defines, per version. Nothing here has state.
 */

/** proxy_status_t / WasmResult. */
export const enum WasmResult {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
  SerializationFailure = 3,
  ParseFailure = 4,
  InvalidMemoryAccess = 6,
  Empty = 7,
  CasMismatch = 8,
  InternalFailure = 10,
  BrokenConnection = 11,
  Unimplemented = 12,
}

/** proxy_map_type_t: which header map a host call addresses. */
export const enum MapType {
  RequestHeaders = 0,
  RequestTrailers = 1,
  ResponseHeaders = 2,
  ResponseTrailers = 3,
  GrpcInitialMetadata = 4,
  GrpcTrailingMetadata = 5,
  HttpCallResponseHeaders = 6,
  HttpCallResponseTrailers = 7,
}
/** Largest valid MapType; above it → BadArgument. */
export const MAP_TYPE_MAX = 7;

/** proxy_buffer_type_t: which buffer a host call addresses. */
export const enum BufferType {
  RequestBody = 0,
  ResponseBody = 1,
  DownstreamData = 2,
  UpstreamData = 3,
  HttpCallResponseBody = 4,
  GrpcReceiveBuffer = 5,
  VmConfiguration = 6,
  PluginConfiguration = 7,
  CallData = 8,
}
/** Largest valid BufferType; above it → BadArgument. */
export const BUFFER_TYPE_MAX = 8;

/** proxy_stream_type_t (0.2.x continue / close). */
export const enum StreamType {
  Request = 0,
  Response = 1,
  Downstream = 2,
  Upstream = 3,
}

/** proxy_metric_type_t. */
export const enum MetricKind {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

/** WASI errno values the shim returns. */
export const enum Errno {
  Success = 0,
  Badf = 8,
  Notdir = 20,
  Fault = 21,
  Inval = 28,
  Noent = 44,
  Nosys = 52,
  Notsup = 58,
  Notcapable = 76,
}

/** ABI versions the host speaks. */
export type AbiVersion = '0.1.0' | '0.2.0' | '0.2.1';

/** proxy_* host functions present in every version. */
const COMMON = [
  'proxy_log', 'proxy_get_current_time_nanoseconds', 'proxy_set_tick_period_milliseconds',
  'proxy_set_effective_context', 'proxy_done', 'proxy_call_foreign_function', 'proxy_get_status',
  'proxy_get_buffer_bytes', 'proxy_set_buffer_bytes', 'proxy_get_buffer_status',
  'proxy_get_header_map_size', 'proxy_get_header_map_pairs', 'proxy_set_header_map_pairs',
  'proxy_get_header_map_value', 'proxy_add_header_map_value', 'proxy_replace_header_map_value',
  'proxy_remove_header_map_value', 'proxy_send_local_response', 'proxy_http_call',
  'proxy_grpc_call', 'proxy_grpc_stream', 'proxy_grpc_send', 'proxy_grpc_cancel', 'proxy_grpc_close',
  'proxy_get_shared_data', 'proxy_set_shared_data', 'proxy_register_shared_queue',
  'proxy_resolve_shared_queue', 'proxy_enqueue_shared_queue', 'proxy_dequeue_shared_queue',
  'proxy_define_metric', 'proxy_increment_metric', 'proxy_record_metric', 'proxy_get_metric',
  'proxy_get_property', 'proxy_set_property',
];
const V010_ONLY = ['proxy_get_configuration', 'proxy_continue_request', 'proxy_continue_response', 'proxy_clear_route_cache'];
const V02_ONLY = ['proxy_continue_stream', 'proxy_close_stream'];

/** The proxy_* functions a module of `version` gets with their real implementation. */
export function proxyFunctionsFor(version: AbiVersion): Set<string> {
  const names = new Set(COMMON);
  if (version === '0.1.0') V010_ONLY.forEach((n) => names.add(n));
  else V02_ONLY.forEach((n) => names.add(n));
  if (version === '0.2.1') names.add('proxy_get_log_level');
  return names;
}

/** Every proxy_* name of any version: known to the ABI, so a stub (Unimplemented) beats a load error. */
export const ALL_PROXY_FUNCTIONS: ReadonlySet<string> = new Set([...COMMON, ...V010_ONLY, ...V02_ONLY, 'proxy_get_log_level']);

/** Other `env` imports real SDK toolchains emit (Emscripten, AssemblyScript std). */
export const ENV_EXTRAS: ReadonlySet<string> = new Set([
  'emscripten_notify_memory_growth', 'pthread_equal', 'abort', 'trace', 'seed', 'Date.now',
]);

/** Both WASI module names get the same implementation. */
export const WASI_MODULES: ReadonlySet<string> = new Set(['wasi_snapshot_preview1', 'wasi_unstable']);

/** Callbacks whose presence decides what the filter manager delivers (speed: skip absent ones). */
export const STREAM_CALLBACKS = [
  'proxy_on_request_headers', 'proxy_on_request_body', 'proxy_on_request_trailers',
  'proxy_on_response_headers', 'proxy_on_response_body', 'proxy_on_response_trailers',
] as const;
