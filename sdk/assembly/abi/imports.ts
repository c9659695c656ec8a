/**
 * Raw host functions of proxy-wasm ABI 0.2.1 (module `env`) and the few WASI calls the SDK
 * needs. One declaration per import, named and typed exactly as the ABI reference §3 lists
 * them. Only imports a filter actually reaches end up in its .wasm, so declaring all of them
 * here costs nothing. Authors use the friendly layer (`api/`, `context/`), never these.
 */

// ---- general, time, logging (§3.1)
/** `proxy_log(level, msg_ptr, msg_len)` */
// @ts-ignore: decorator
@external("env", "proxy_log")
export declare function proxy_log(level: u32, messagePtr: usize, messageSize: usize): u32;
/** `proxy_get_log_level(*level)` (0.2.1 only) */
// @ts-ignore: decorator
@external("env", "proxy_get_log_level")
export declare function proxy_get_log_level(levelPtr: usize): u32;
/** `proxy_get_current_time_nanoseconds(*u64)` */
// @ts-ignore: decorator
@external("env", "proxy_get_current_time_nanoseconds")
export declare function proxy_get_current_time_nanoseconds(outPtr: usize): u32;
/** `proxy_set_tick_period_milliseconds(period)`; 0 disables. */
// @ts-ignore: decorator
@external("env", "proxy_set_tick_period_milliseconds")
export declare function proxy_set_tick_period_milliseconds(periodMs: u32): u32;
/** `proxy_set_effective_context(context_id)` */
// @ts-ignore: decorator
@external("env", "proxy_set_effective_context")
export declare function proxy_set_effective_context(contextId: u32): u32;
/** `proxy_done()` */
// @ts-ignore: decorator
@external("env", "proxy_done")
export declare function proxy_done(): u32;
/** `proxy_get_status(*code, **msg, *msgn)`: the root's last callout status (http_call failure, gRPC close). */
// @ts-ignore: decorator
@external("env", "proxy_get_status")
export declare function proxy_get_status(codePtr: usize, messagePtr: usize, messageSizePtr: usize): u32;
/** `proxy_call_foreign_function(name, args, **out, *outn)` */
// @ts-ignore: decorator
@external("env", "proxy_call_foreign_function")
export declare function proxy_call_foreign_function(namePtr: usize, nameSize: usize, argsPtr: usize, argsSize: usize, outPtr: usize, outSizePtr: usize): u32;

// ---- buffers (§3.2)
/** `proxy_get_buffer_bytes(type, start, max, **out, *outn)` */
// @ts-ignore: decorator
@external("env", "proxy_get_buffer_bytes")
export declare function proxy_get_buffer_bytes(bufferType: u32, start: u32, maxSize: u32, outPtr: usize, outSizePtr: usize): u32;
/** `proxy_set_buffer_bytes(type, start, size, data, len)` */
// @ts-ignore: decorator
@external("env", "proxy_set_buffer_bytes")
export declare function proxy_set_buffer_bytes(bufferType: u32, start: u32, size: u32, dataPtr: usize, dataSize: usize): u32;
/** `proxy_get_buffer_status(type, *len, *flags)` */
// @ts-ignore: decorator
@external("env", "proxy_get_buffer_status")
export declare function proxy_get_buffer_status(bufferType: u32, lengthPtr: usize, flagsPtr: usize): u32;

// ---- header maps (§3.3)
/** `proxy_get_header_map_pairs(type, **out, *outn)` */
// @ts-ignore: decorator
@external("env", "proxy_get_header_map_pairs")
export declare function proxy_get_header_map_pairs(mapType: u32, outPtr: usize, outSizePtr: usize): u32;
/** `proxy_set_header_map_pairs(type, pairs, len)` */
// @ts-ignore: decorator
@external("env", "proxy_set_header_map_pairs")
export declare function proxy_set_header_map_pairs(mapType: u32, pairsPtr: usize, pairsSize: usize): u32;
/** `proxy_get_header_map_value(type, key, len, **out, *outn)` */
// @ts-ignore: decorator
@external("env", "proxy_get_header_map_value")
export declare function proxy_get_header_map_value(mapType: u32, keyPtr: usize, keySize: usize, outPtr: usize, outSizePtr: usize): u32;
/** `proxy_add_header_map_value(type, key, len, value, len)` */
// @ts-ignore: decorator
@external("env", "proxy_add_header_map_value")
export declare function proxy_add_header_map_value(mapType: u32, keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize): u32;
/** `proxy_replace_header_map_value(type, key, len, value, len)` */
// @ts-ignore: decorator
@external("env", "proxy_replace_header_map_value")
export declare function proxy_replace_header_map_value(mapType: u32, keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize): u32;
/** `proxy_remove_header_map_value(type, key, len)` */
// @ts-ignore: decorator
@external("env", "proxy_remove_header_map_value")
export declare function proxy_remove_header_map_value(mapType: u32, keyPtr: usize, keySize: usize): u32;
/** `proxy_get_header_map_size(type, *size)` */
// @ts-ignore: decorator
@external("env", "proxy_get_header_map_size")
export declare function proxy_get_header_map_size(mapType: u32, sizePtr: usize): u32;

// ---- stream control and HTTP (§3.4)
/** `proxy_continue_stream(stream_type)` */
// @ts-ignore: decorator
@external("env", "proxy_continue_stream")
export declare function proxy_continue_stream(streamType: u32): u32;
/** `proxy_close_stream(stream_type)` */
// @ts-ignore: decorator
@external("env", "proxy_close_stream")
export declare function proxy_close_stream(streamType: u32): u32;
/** `proxy_send_local_response(status, details, body, header_pairs, grpc_status)` */
// @ts-ignore: decorator
@external("env", "proxy_send_local_response")
export declare function proxy_send_local_response(statusCode: u32, detailsPtr: usize, detailsSize: usize, bodyPtr: usize, bodySize: usize, headersPtr: usize, headersSize: usize, grpcStatus: i32): u32;
/** `proxy_http_call(upstream, headers, body, trailers, timeout_ms, *token)` */
// @ts-ignore: decorator
@external("env", "proxy_http_call")
export declare function proxy_http_call(upstreamPtr: usize, upstreamSize: usize, headersPtr: usize, headersSize: usize, bodyPtr: usize, bodySize: usize, trailersPtr: usize, trailersSize: usize, timeoutMs: u32, tokenPtr: usize): u32;

// ---- gRPC (§3.5). Unlike some SDKs, grpc_call carries the initial-metadata pair (12 params),
// as the C++ host expects; a declaration without it would shift every later argument.
/** `proxy_grpc_call(upstream, service, method, metadata_pairs, message, timeout_ms, *token)` */
// @ts-ignore: decorator
@external("env", "proxy_grpc_call")
export declare function proxy_grpc_call(upstreamPtr: usize, upstreamSize: usize, servicePtr: usize, serviceSize: usize, methodPtr: usize, methodSize: usize, metadataPtr: usize, metadataSize: usize, messagePtr: usize, messageSize: usize, timeoutMs: u32, tokenPtr: usize): u32;
/** `proxy_grpc_stream(upstream, service, method, metadata_pairs, *token)` */
// @ts-ignore: decorator
@external("env", "proxy_grpc_stream")
export declare function proxy_grpc_stream(upstreamPtr: usize, upstreamSize: usize, servicePtr: usize, serviceSize: usize, methodPtr: usize, methodSize: usize, metadataPtr: usize, metadataSize: usize, tokenPtr: usize): u32;
/** `proxy_grpc_send(token, message, end_stream)` */
// @ts-ignore: decorator
@external("env", "proxy_grpc_send")
export declare function proxy_grpc_send(token: u32, messagePtr: usize, messageSize: usize, endStream: u32): u32;
/** `proxy_grpc_cancel(token)` */
// @ts-ignore: decorator
@external("env", "proxy_grpc_cancel")
export declare function proxy_grpc_cancel(token: u32): u32;
/** `proxy_grpc_close(token)` */
// @ts-ignore: decorator
@external("env", "proxy_grpc_close")
export declare function proxy_grpc_close(token: u32): u32;

// ---- shared data, queues, metrics, properties (§3.6)
/** `proxy_get_shared_data(key, **value, *valuen, *cas)` */
// @ts-ignore: decorator
@external("env", "proxy_get_shared_data")
export declare function proxy_get_shared_data(keyPtr: usize, keySize: usize, outPtr: usize, outSizePtr: usize, casPtr: usize): u32;
/** `proxy_set_shared_data(key, value, cas)` */
// @ts-ignore: decorator
@external("env", "proxy_set_shared_data")
export declare function proxy_set_shared_data(keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize, cas: u32): u32;
/** `proxy_register_shared_queue(name, *id)` */
// @ts-ignore: decorator
@external("env", "proxy_register_shared_queue")
export declare function proxy_register_shared_queue(namePtr: usize, nameSize: usize, idPtr: usize): u32;
/** `proxy_resolve_shared_queue(vm_id, name, *id)` */
// @ts-ignore: decorator
@external("env", "proxy_resolve_shared_queue")
export declare function proxy_resolve_shared_queue(vmIdPtr: usize, vmIdSize: usize, namePtr: usize, nameSize: usize, idPtr: usize): u32;
/** `proxy_enqueue_shared_queue(id, value)` */
// @ts-ignore: decorator
@external("env", "proxy_enqueue_shared_queue")
export declare function proxy_enqueue_shared_queue(queueId: u32, valuePtr: usize, valueSize: usize): u32;
/** `proxy_dequeue_shared_queue(id, **out, *outn)` */
// @ts-ignore: decorator
@external("env", "proxy_dequeue_shared_queue")
export declare function proxy_dequeue_shared_queue(queueId: u32, outPtr: usize, outSizePtr: usize): u32;
/** `proxy_define_metric(type, name, *id)` */
// @ts-ignore: decorator
@external("env", "proxy_define_metric")
export declare function proxy_define_metric(metricType: u32, namePtr: usize, nameSize: usize, idPtr: usize): u32;
/** `proxy_increment_metric(id, i64 delta)` */
// @ts-ignore: decorator
@external("env", "proxy_increment_metric")
export declare function proxy_increment_metric(metricId: u32, delta: i64): u32;
/** `proxy_record_metric(id, u64 value)` */
// @ts-ignore: decorator
@external("env", "proxy_record_metric")
export declare function proxy_record_metric(metricId: u32, value: u64): u32;
/** `proxy_get_metric(id, *u64)` */
// @ts-ignore: decorator
@external("env", "proxy_get_metric")
export declare function proxy_get_metric(metricId: u32, outPtr: usize): u32;
/** `proxy_get_property(path, **out, *outn)` */
// @ts-ignore: decorator
@external("env", "proxy_get_property")
export declare function proxy_get_property(pathPtr: usize, pathSize: usize, outPtr: usize, outSizePtr: usize): u32;
/** `proxy_set_property(path, value)` */
// @ts-ignore: decorator
@external("env", "proxy_set_property")
export declare function proxy_set_property(pathPtr: usize, pathSize: usize, valuePtr: usize, valueSize: usize): u32;

// ---- WASI (§7): the names Envoy registers under both module names.
/** `random_get(buf, len)`; errno 0 on success. */
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "random_get")
export declare function wasi_random_get(bufPtr: usize, bufLen: usize): u16;
/** `proc_exit(code)`: how an AssemblyScript abort ends the VM in every proxy-wasm host. */
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "proc_exit")
export declare function wasi_proc_exit(code: u32): void;
