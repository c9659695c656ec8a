// Status checks of the conformance script that call many host functions at once and report the
// statuses as one comma-separated line (error paths, WASI answers). Not an entry point.
import {
  OUT, bytes, ptr, serialize,
  proxy_get_log_level, proxy_get_status, proxy_set_buffer_bytes, proxy_get_buffer_status, proxy_get_header_map_size,
  proxy_set_header_map_pairs, proxy_add_header_map_value, proxy_replace_header_map_value, proxy_remove_header_map_value,
  proxy_send_local_response, proxy_http_call, proxy_get_shared_data, proxy_register_shared_queue,
  proxy_resolve_shared_queue, proxy_enqueue_shared_queue, proxy_dequeue_shared_queue, proxy_define_metric,
  proxy_record_metric, proxy_get_metric, proxy_set_property,
  environ_sizes_get, environ_get, args_sizes_get, args_get, clock_res_get, poll_oneoff, fd_fdstat_get, sched_yield,
} from "./_abi";

const BAD: usize = 0xfffffff0;
const UNKNOWN_ID: u32 = 0xffff0;

/** Out-of-bounds pointers (length 100 at BAD): every one must be InvalidMemoryAccess (6). */
export function errPtr2(bufferType: i32): string {
  const k = bytes("k");
  const r = new Array<string>();
  r.push(proxy_get_log_level(BAD).toString());
  r.push(proxy_get_status(BAD, OUT, OUT + 4).toString());
  r.push(proxy_set_buffer_bytes(bufferType, 0, 0, BAD, 100).toString());
  r.push(proxy_get_buffer_status(bufferType, BAD, OUT + 4).toString());
  r.push(proxy_get_header_map_size(0, BAD).toString());
  r.push(proxy_set_header_map_pairs(0, BAD, 100).toString());
  r.push(proxy_add_header_map_value(0, BAD, 100, ptr(k), 1).toString());
  r.push(proxy_replace_header_map_value(0, BAD, 100, ptr(k), 1).toString());
  r.push(proxy_remove_header_map_value(0, BAD, 100).toString());
  r.push(proxy_send_local_response(403, BAD, 100, ptr(k), 1, ptr(k), 0, -1).toString());
  r.push(proxy_http_call(BAD, 100, ptr(k), 0, ptr(k), 0, ptr(k), 0, 100, OUT + 8).toString());
  r.push(proxy_get_shared_data(BAD, 100, OUT, OUT + 4, OUT + 16).toString());
  r.push(proxy_register_shared_queue(BAD, 100, OUT + 8).toString());
  r.push(proxy_resolve_shared_queue(BAD, 100, ptr(k), 1, OUT + 8).toString());
  r.push(proxy_enqueue_shared_queue(1, BAD, 100).toString());
  r.push(proxy_dequeue_shared_queue(1, BAD, OUT + 4).toString());
  r.push(proxy_define_metric(0, BAD, 100, OUT + 8).toString());
  r.push(proxy_get_metric(1, BAD).toString());
  r.push(proxy_set_property(BAD, 100, ptr(k), 1).toString());
  return "err_ptr2 " + r.join(",");
}

/** Bad map types on size / set-pairs / replace / remove, bad buffer type on set_buffer_bytes: BadArgument (2). */
export function errEnum2(): string {
  const k = bytes("k");
  const empty = serialize(new Array<string>());
  const r = new Array<string>();
  r.push(proxy_get_header_map_size(8, OUT + 8).toString());
  r.push(proxy_set_header_map_pairs(-1, ptr(empty), empty.byteLength).toString());
  r.push(proxy_replace_header_map_value(99, ptr(k), 1, ptr(k), 1).toString());
  r.push(proxy_remove_header_map_value(8, ptr(k), 1).toString());
  r.push(proxy_set_buffer_bytes(9, 0, 0, ptr(k), 1).toString());
  return "err_enum2 " + r.join(",");
}

/** Unknown queue and metric ids: NotFound (1). */
export function errNotFound(): string {
  const k = bytes("k");
  const r = new Array<string>();
  r.push(proxy_enqueue_shared_queue(UNKNOWN_ID, ptr(k), 1).toString());
  r.push(proxy_dequeue_shared_queue(UNKNOWN_ID, OUT, OUT + 4).toString());
  r.push(proxy_record_metric(UNKNOWN_ID, 1).toString());
  r.push(proxy_get_metric(UNKNOWN_ID, OUT + 8).toString());
  return "err_notfound " + r.join(",");
}

/** The WASI answers a proxy-wasm host gives (ABI reference §7), as one line. */
export function wasiChecks(): string {
  const parts = new Array<string>();
  // environ_get: the configured variables, NUL-terminated, pointed at in order.
  environ_sizes_get(OUT + 8, OUT + 16);
  const count = load<u32>(OUT + 8);
  const ptrs = new ArrayBuffer(<i32>count * 4 + 4);
  const buf = new ArrayBuffer(<i32>load<u32>(OUT + 16) + 1);
  const es = environ_get(ptr(ptrs), ptr(buf));
  const vars = new Array<string>();
  for (let i: u32 = 0; i < count; i++) {
    const p = load<u32>(ptr(ptrs) + i * 4);
    let n: u32 = 0;
    while (load<u8>(p + n) != 0) n++;
    vars.push(String.UTF8.decodeUnsafe(p, n));
  }
  parts.push("environ=" + es.toString() + ":" + vars.join(";"));
  store<u32>(OUT + 8, 7);
  store<u32>(OUT + 16, 7);
  const as = args_sizes_get(OUT + 8, OUT + 16);
  parts.push("args=" + as.toString() + ":" + load<u32>(OUT + 8).toString() + ":" + load<u32>(OUT + 16).toString() + ":" + args_get(OUT, OUT).toString());
  const r0 = clock_res_get(0, OUT + 8);
  const v0 = load<u64>(OUT + 8);
  const r1 = clock_res_get(1, OUT + 8);
  parts.push("res=" + r0.toString() + ":" + v0.toString() + ":" + r1.toString() + ":" + clock_res_get(5, OUT + 8).toString());
  store<u32>(OUT + 8, 7);
  const po = poll_oneoff(OUT + 16, OUT + 16, 0, OUT + 8);
  parts.push("poll=" + po.toString() + ":" + load<u32>(OUT + 8).toString());
  const stat = new ArrayBuffer(24);
  const f1 = fd_fdstat_get(1, ptr(stat));
  parts.push("fdstat=" + f1.toString() + ":" + load<u64>(ptr(stat) + 8).toString() + ":" + fd_fdstat_get(5, ptr(stat)).toString());
  parts.push("yield=" + sched_yield().toString());
  return "wasi " + parts.join(" ");
}
