// Raw proxy-wasm ABI imports and small helpers shared by the conformance test modules.
// (Files starting with `_` are includes: not compiled on their own.)

@external("env", "proxy_log") export declare function proxy_log(level: i32, ptr: usize, len: usize): i32;
@external("env", "proxy_get_log_level") export declare function proxy_get_log_level(out: usize): i32;
@external("env", "proxy_get_current_time_nanoseconds") export declare function proxy_get_current_time_nanoseconds(out: usize): i32;
@external("env", "proxy_set_tick_period_milliseconds") export declare function proxy_set_tick_period_milliseconds(ms: u32): i32;
@external("env", "proxy_set_effective_context") export declare function proxy_set_effective_context(id: u32): i32;
@external("env", "proxy_done") export declare function proxy_done(): i32;
@external("env", "proxy_get_status") export declare function proxy_get_status(code: usize, msg: usize, msgLen: usize): i32;
@external("env", "proxy_get_buffer_bytes") export declare function proxy_get_buffer_bytes(t: i32, start: u32, max: u32, out: usize, outLen: usize): i32;
@external("env", "proxy_set_buffer_bytes") export declare function proxy_set_buffer_bytes(t: i32, start: u32, size: u32, p: usize, n: usize): i32;
@external("env", "proxy_get_buffer_status") export declare function proxy_get_buffer_status(t: i32, len: usize, flags: usize): i32;
@external("env", "proxy_get_header_map_size") export declare function proxy_get_header_map_size(t: i32, out: usize): i32;
@external("env", "proxy_get_header_map_pairs") export declare function proxy_get_header_map_pairs(t: i32, out: usize, outLen: usize): i32;
@external("env", "proxy_set_header_map_pairs") export declare function proxy_set_header_map_pairs(t: i32, p: usize, n: usize): i32;
@external("env", "proxy_get_header_map_value") export declare function proxy_get_header_map_value(t: i32, kp: usize, kn: usize, out: usize, outLen: usize): i32;
@external("env", "proxy_add_header_map_value") export declare function proxy_add_header_map_value(t: i32, kp: usize, kn: usize, vp: usize, vn: usize): i32;
@external("env", "proxy_replace_header_map_value") export declare function proxy_replace_header_map_value(t: i32, kp: usize, kn: usize, vp: usize, vn: usize): i32;
@external("env", "proxy_remove_header_map_value") export declare function proxy_remove_header_map_value(t: i32, kp: usize, kn: usize): i32;
@external("env", "proxy_continue_stream") export declare function proxy_continue_stream(t: i32): i32;
@external("env", "proxy_close_stream") export declare function proxy_close_stream(t: i32): i32;
@external("env", "proxy_send_local_response") export declare function proxy_send_local_response(status: u32, dp: usize, dn: usize, bp: usize, bn: usize, hp: usize, hn: usize, grpc: i32): i32;
@external("env", "proxy_http_call") export declare function proxy_http_call(up: usize, upn: usize, hp: usize, hn: usize, bp: usize, bn: usize, tp: usize, tn: usize, timeout: u32, token: usize): i32;
@external("env", "proxy_get_shared_data") export declare function proxy_get_shared_data(kp: usize, kn: usize, out: usize, outLen: usize, cas: usize): i32;
@external("env", "proxy_set_shared_data") export declare function proxy_set_shared_data(kp: usize, kn: usize, vp: usize, vn: usize, cas: u32): i32;
@external("env", "proxy_register_shared_queue") export declare function proxy_register_shared_queue(np: usize, nn: usize, id: usize): i32;
@external("env", "proxy_resolve_shared_queue") export declare function proxy_resolve_shared_queue(vp: usize, vn: usize, np: usize, nn: usize, id: usize): i32;
@external("env", "proxy_enqueue_shared_queue") export declare function proxy_enqueue_shared_queue(id: u32, vp: usize, vn: usize): i32;
@external("env", "proxy_dequeue_shared_queue") export declare function proxy_dequeue_shared_queue(id: u32, out: usize, outLen: usize): i32;
@external("env", "proxy_define_metric") export declare function proxy_define_metric(t: i32, np: usize, nn: usize, id: usize): i32;
@external("env", "proxy_increment_metric") export declare function proxy_increment_metric(id: u32, delta: i64): i32;
@external("env", "proxy_record_metric") export declare function proxy_record_metric(id: u32, value: u64): i32;
@external("env", "proxy_get_metric") export declare function proxy_get_metric(id: u32, out: usize): i32;
@external("env", "proxy_get_property") export declare function proxy_get_property(p: usize, n: usize, out: usize, outLen: usize): i32;
@external("env", "proxy_set_property") export declare function proxy_set_property(p: usize, n: usize, vp: usize, vn: usize): i32;
@external("env", "proxy_grpc_call") export declare function proxy_grpc_call(a: usize, b: usize, c: usize, d: usize, e: usize, f: usize, g: usize, h: usize, i: usize, j: usize, timeout: u32, token: usize): i32;
@external("wasi_snapshot_preview1", "proc_exit") export declare function proc_exit(code: u32): void;
@external("wasi_snapshot_preview1", "fd_write") export declare function fd_write(fd: u32, iovs: usize, n: usize, written: usize): u32;
@external("wasi_snapshot_preview1", "environ_sizes_get") export declare function environ_sizes_get(count: usize, size: usize): u32;
@external("wasi_snapshot_preview1", "environ_get") export declare function environ_get(ptrs: usize, buf: usize): u32;
@external("wasi_unstable", "random_get") export declare function random_get(p: usize, n: usize): u32;
@external("wasi_unstable", "clock_time_get") export declare function clock_time_get(id: u32, precision: u64, out: usize): u32;

/** Out-pointers for host results: [0] ptr, [4] len, [8] u32/u64 scalar, [16] cas / flags. */
export const OUT: usize = memory.data(32);

/** Guest allocator the host calls for returned data (raw heap, not GC-managed). */
export function malloc(size: usize): usize {
  return heap.alloc(size);
}

export function bytes(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

export function ptr(b: ArrayBuffer): usize {
  return changetype<usize>(b);
}

export function log(s: string): void {
  const b = bytes(s);
  proxy_log(2, ptr(b), b.byteLength);
}

/** The string the host just returned through OUT (ptr, len), freed afterwards. */
export function takeString(): string {
  const p = load<u32>(OUT);
  const n = load<u32>(OUT + 4);
  if (n == 0) return "";
  const s = String.UTF8.decodeUnsafe(p, n);
  heap.free(p);
  return s;
}

/** The bytes the host just returned through OUT, as an i64 little-endian (properties). */
export function takeI64(): i64 {
  const p = load<u32>(OUT);
  const n = load<u32>(OUT + 4);
  if (n < 8) return -1;
  const v = load<i64>(p);
  heap.free(p);
  return v;
}

/** Serializes [k0, v0, k1, v1, ...] in the proxy-wasm pairs format. */
export function serialize(flat: string[]): ArrayBuffer {
  const n = flat.length / 2;
  const enc = new Array<ArrayBuffer>(flat.length);
  let size = 4 + n * 8;
  for (let i = 0; i < flat.length; i++) {
    enc[i] = bytes(flat[i]);
    size += enc[i].byteLength + 1;
  }
  const out = new ArrayBuffer(size);
  const base = ptr(out);
  store<u32>(base, n);
  let data = base + 4 + n * 8;
  for (let i = 0; i < n; i++) {
    const k = enc[2 * i];
    const v = enc[2 * i + 1];
    store<u32>(base + 4 + i * 8, k.byteLength);
    store<u32>(base + 8 + i * 8, v.byteLength);
    memory.copy(data, ptr(k), k.byteLength);
    data += k.byteLength;
    store<u8>(data++, 0);
    memory.copy(data, ptr(v), v.byteLength);
    data += v.byteLength;
    store<u8>(data++, 0);
  }
  return out;
}

/** Parses pairs at (p, n) into "k=v" joined by ",". */
export function pairsText(p: usize, n: usize): string {
  if (n < 4) return "";
  const count = load<u32>(p);
  let data = p + 4 + count * 8;
  const parts = new Array<string>();
  for (let i: u32 = 0; i < count; i++) {
    const kl = load<u32>(p + 4 + i * 8);
    const vl = load<u32>(p + 8 + i * 8);
    const k = String.UTF8.decodeUnsafe(data, kl);
    data += kl + 1;
    const v = String.UTF8.decodeUnsafe(data, vl);
    data += vl + 1;
    parts.push(k + "=" + v);
  }
  return parts.join(",");
}
@external("wasi_snapshot_preview1", "args_sizes_get") export declare function args_sizes_get(count: usize, size: usize): u32;
@external("wasi_snapshot_preview1", "args_get") export declare function args_get(ptrs: usize, buf: usize): u32;
@external("wasi_snapshot_preview1", "clock_res_get") export declare function clock_res_get(id: u32, out: usize): u32;
@external("wasi_snapshot_preview1", "poll_oneoff") export declare function poll_oneoff(input: usize, out: usize, n: usize, nevents: usize): u32;
@external("wasi_snapshot_preview1", "fd_fdstat_get") export declare function fd_fdstat_get(fd: u32, out: usize): u32;
@external("wasi_snapshot_preview1", "sched_yield") export declare function sched_yield(): u32;
