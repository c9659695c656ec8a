// Conformance module driven by its plugin configuration: one command per line,
//   <callback> [?header=value] [@eos] <op> <args...>
// callbacks: vm_start configure create req_headers req_body req_trailers resp_headers resp_body
// resp_trailers log done delete tick queue call_resp. Results are written with proxy_log so the
// test reads them from the gateway log. A line "trace" logs every callback with its arguments.
// "foreign <name> <hex>..." calls proxy_call_foreign_function (arguments: length-prefixed fields).
// VM configuration "trace" traces the root's start-up as well; "trap" traps in proxy_on_vm_start.
// A line "tag <name>" prefixes every log line with "[<name>] ": tells apart the VMs of one filter
// (per-route configurations) in a shared gateway log.
import {
  OUT, bytes, ptr, log as emit, takeString, takeI64, serialize, pairsText, malloc,
  proxy_get_log_level, proxy_get_current_time_nanoseconds, proxy_set_tick_period_milliseconds,
  proxy_set_effective_context, proxy_done, proxy_get_status, proxy_get_buffer_bytes, proxy_set_buffer_bytes,
  proxy_get_buffer_status, proxy_get_header_map_size, proxy_get_header_map_pairs, proxy_set_header_map_pairs,
  proxy_get_header_map_value, proxy_add_header_map_value, proxy_replace_header_map_value,
  proxy_remove_header_map_value, proxy_continue_stream, proxy_close_stream, proxy_send_local_response,
  proxy_http_call, proxy_get_shared_data, proxy_set_shared_data, proxy_register_shared_queue,
  proxy_resolve_shared_queue, proxy_enqueue_shared_queue, proxy_dequeue_shared_queue, proxy_define_metric,
  proxy_increment_metric, proxy_record_metric, proxy_get_metric, proxy_get_property, proxy_set_property,
  proxy_log, proxy_grpc_call, proc_exit, fd_write, environ_sizes_get, random_get, clock_time_get,
} from "./_abi";

import { errEnum2, errNotFound, errPtr2, wasiChecks } from "./_checks";

@external("env", "proxy_call_foreign_function")
declare function proxy_call_foreign_function(np: usize, nn: usize, ap: usize, an: usize, out: usize, outLen: usize): i32;

export { malloc };
export function proxy_abi_version_0_2_1(): void {}

const BAD: usize = 0xfffffff0;
let lines = new Array<string[]>();
let trace = false;
let rootId: u32 = 0;
const callCtx = new Map<u32, u32>();
const metricIds = new Map<string, u32>();
let eos = false;
let tagPrefix = "";

/** proxy_log at Info, with the configured tag. */
function log(s: string): void {
  emit(tagPrefix.length > 0 ? tagPrefix + s : s);
}

function str(i: i32): string {
  return i.toString();
}

function parseConfig(size: usize): void {
  if (proxy_get_buffer_bytes(7, 0, <u32>size, OUT, OUT + 4) != 0) return;
  const text = takeString();
  lines = new Array<string[]>();
  const raw = text.split("\n");
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i].trim();
    if (l == "trace") trace = true;
    else if (l.startsWith("tag ")) tagPrefix = "[" + l.substring(4).trim() + "] ";
    else if (l.length > 0) lines.push(l.split(" "));
  }
}

function header(map: i32, k: string): string | null {
  const kb = bytes(k);
  if (proxy_get_header_map_value(map, ptr(kb), kb.byteLength, OUT, OUT + 4) != 0) return null;
  return takeString();
}

function mapOp(op: string, a: string[]): i32 {
  if (op != "get" && op != "add" && op != "set" && op != "del" && op != "size" && op != "pairs" && op != "setpairs") return 0;
  const m = I32.parseInt(a[0]);
  const k = a.length > 1 ? bytes(a[1]) : new ArrayBuffer(0);
  const v = a.length > 2 ? bytes(a[2]) : new ArrayBuffer(0);
  if (op == "get") {
    const s = proxy_get_header_map_value(m, ptr(k), k.byteLength, OUT, OUT + 4);
    log("get " + a[1] + "=" + (s == 0 ? takeString() : "") + " s=" + str(s));
  } else if (op == "add") log("add s=" + str(proxy_add_header_map_value(m, ptr(k), k.byteLength, ptr(v), v.byteLength)));
  else if (op == "set") log("set s=" + str(proxy_replace_header_map_value(m, ptr(k), k.byteLength, ptr(v), v.byteLength)));
  else if (op == "del") log("del s=" + str(proxy_remove_header_map_value(m, ptr(k), k.byteLength)));
  else if (op == "size") {
    const s = proxy_get_header_map_size(m, OUT + 8);
    log("size " + load<u32>(OUT + 8).toString() + " s=" + str(s));
  } else if (op == "pairs") {
    const s = proxy_get_header_map_pairs(m, OUT, OUT + 4);
    const p = load<u32>(OUT);
    const n = load<u32>(OUT + 4);
    log("pairs " + (s == 0 ? pairsText(p, n) : "") + " s=" + str(s));
    if (s == 0 && n > 0) heap.free(p);
  } else if (op == "setpairs") {
    const buf = serialize(a.slice(1));
    log("setpairs s=" + str(proxy_set_header_map_pairs(m, ptr(buf), buf.byteLength)));
  } else return 0;
  return 1;
}

function bodyOp(op: string, a: string[]): i32 {
  if (op == "body") {
    const s = proxy_get_buffer_bytes(I32.parseInt(a[0]), U32.parseInt(a[1]), U32.parseInt(a[2]), OUT, OUT + 4);
    log("body " + (s == 0 ? takeString() : "") + " s=" + str(s));
  } else if (op == "bstatus") {
    const s = proxy_get_buffer_status(I32.parseInt(a[0]), OUT + 8, OUT + 16);
    log("bstatus " + load<u32>(OUT + 8).toString() + " s=" + str(s));
  } else if (op == "bset") {
    const d = bytes(a.length > 3 ? a[3] : "");
    log("bset s=" + str(proxy_set_buffer_bytes(I32.parseInt(a[0]), U32.parseInt(a[1]), U32.parseInt(a[2]), ptr(d), d.byteLength)));
  } else return 0;
  return 1;
}

function propOp(op: string, a: string[]): i32 {
  if (op == "prop" || op == "propint") {
    const path = bytes(a[0].replaceAll(".", "\0"));
    const s = proxy_get_property(ptr(path), path.byteLength, OUT, OUT + 4);
    const v = s != 0 ? "" : op == "prop" ? takeString() : takeI64().toString();
    log("prop " + a[0] + "=" + v + " s=" + str(s));
  } else if (op == "propmap") {
    // a map property (serialized pairs) as k=v,k=v
    const path = bytes(a[0].replaceAll(".", "\0"));
    const s = proxy_get_property(ptr(path), path.byteLength, OUT, OUT + 4);
    const p = load<u32>(OUT);
    const n = load<u32>(OUT + 4);
    log("propmap " + a[0] + "=" + (s == 0 ? pairsText(p, n) : "") + " s=" + str(s));
    if (s == 0 && n > 0) heap.free(p);
  } else if (op == "prop2hdr") {
    // prop2hdr <path> <map> <header>: copies a string property into a header
    const path = bytes(a[0].replaceAll(".", "\0"));
    const s = proxy_get_property(ptr(path), path.byteLength, OUT, OUT + 4);
    const v = bytes(s == 0 ? takeString() : "missing:" + s.toString());
    const h = bytes(a[2]);
    proxy_add_header_map_value(I32.parseInt(a[1]), ptr(h), h.byteLength, ptr(v), v.byteLength);
  } else if (op == "setprop") {
    const path = bytes(a[0]);
    const v = bytes(a[1]);
    log("setprop s=" + str(proxy_set_property(ptr(path), path.byteLength, ptr(v), v.byteLength)));
  } else return 0;
  return 1;
}

function sharedOp(op: string, a: string[]): i32 {
  if (op == "sget") {
    const k = bytes(a[0]);
    const s = proxy_get_shared_data(ptr(k), k.byteLength, OUT, OUT + 4, OUT + 16);
    log("sget " + (s == 0 ? takeString() : "") + " s=" + str(s));
  } else if (op == "sset" || op == "scas" || op == "sstale") {
    const k = bytes(a[0]);
    const v = bytes(a[1]);
    // "sset <key> <value> <cas>" sets with that CAS as is.
    let cas: u32 = op == "sset" && a.length > 2 ? U32.parseInt(a[2]) : 0;
    if (op != "sset") {
      proxy_get_shared_data(ptr(k), k.byteLength, OUT, OUT + 4, OUT + 16);
      cas = load<u32>(OUT + 16) + (op == "sstale" ? 1 : 0);
    }
    log(op + " s=" + str(proxy_set_shared_data(ptr(k), k.byteLength, ptr(v), v.byteLength, cas)));
  } else if (op == "qreg") {
    const n = bytes(a[0]);
    const s = proxy_register_shared_queue(ptr(n), n.byteLength, OUT + 8);
    log("qreg " + load<u32>(OUT + 8).toString() + " s=" + str(s));
  } else if (op == "qenq") {
    const vm = bytes(a[0] == "-" ? "" : a[0]); // "-": the empty vm_id (this VM's own)
    const n = bytes(a[1]);
    const v = bytes(a[2]);
    let s = proxy_resolve_shared_queue(ptr(vm), vm.byteLength, ptr(n), n.byteLength, OUT + 8);
    if (s == 0) s = proxy_enqueue_shared_queue(load<u32>(OUT + 8), ptr(v), v.byteLength);
    log("qenq s=" + str(s));
  } else if (op == "mdef") {
    const n = bytes(a[1]);
    const s = proxy_define_metric(I32.parseInt(a[0]), ptr(n), n.byteLength, OUT + 8);
    if (s == 0) metricIds.set(a[1], load<u32>(OUT + 8));
    log("mdef s=" + str(s));
  } else if (op == "minc" || op == "mrec" || op == "mget") {
    const id: u32 = metricIds.has(a[0]) ? metricIds.get(a[0]) : 999;
    if (op == "minc") log("minc s=" + str(proxy_increment_metric(id, I64.parseInt(a[1]))));
    else if (op == "mrec") log("mrec s=" + str(proxy_record_metric(id, U64.parseInt(a[1]))));
    else {
      const s = proxy_get_metric(id, OUT + 8);
      log("mget " + load<u64>(OUT + 8).toString() + " s=" + str(s));
    }
  } else return 0;
  return 1;
}

function callOp(ctx: u32, a: string[]): void {
  const up = bytes(a[0]);
  const flat: string[] = [":method", "GET", ":path", a[1]];
  if (a.length < 4 || a[3] != "noauthority") flat.push(":authority"), flat.push("test");
  const hdrs = serialize(flat);
  const body = new ArrayBuffer(0);
  const s = proxy_http_call(ptr(up), up.byteLength, ptr(hdrs), hdrs.byteLength, ptr(body), 0, ptr(body), 0, U32.parseInt(a[2]), OUT + 8);
  if (s == 0) callCtx.set(load<u32>(OUT + 8), ctx);
  log("call s=" + str(s));
}

/** Every host function with a bad enum, then with a bad pointer: statuses logged in order. */
function errorOps(op: string, a: string[]): i32 {
  const k = bytes("k");
  if (op == "err_ptr2") log(errPtr2(I32.parseInt(a[0]))); // a[0]: a buffer type present in this callback
  else if (op == "err_enum2") log(errEnum2());
  else if (op == "err_notfound") log(errNotFound());
  else if (op == "wasi") log(wasiChecks());
  else if (op == "err_enum") {
    const r = new Array<string>();
    r.push(str(proxy_log(9, ptr(k), 1)));
    r.push(str(proxy_get_header_map_value(99, ptr(k), 1, OUT, OUT + 4)));
    r.push(str(proxy_get_header_map_pairs(8, OUT, OUT + 4)));
    r.push(str(proxy_add_header_map_value(-1, ptr(k), 1, ptr(k), 1)));
    r.push(str(proxy_get_buffer_bytes(9, 0, 1, OUT, OUT + 4)));
    r.push(str(proxy_get_buffer_status(42, OUT, OUT + 4)));
    r.push(str(proxy_continue_stream(7)));
    r.push(str(proxy_close_stream(7)));
    r.push(str(proxy_define_metric(5, ptr(k), 1, OUT)));
    log("err_enum " + r.join(","));
  } else if (op == "err_ptr") {
    const r = new Array<string>();
    r.push(str(proxy_log(2, BAD, 100)));
    r.push(str(proxy_get_header_map_value(0, BAD, 100, OUT, OUT + 4)));
    r.push(str(proxy_get_header_map_pairs(0, BAD, OUT + 4)));
    r.push(str(proxy_get_property(BAD, 100, OUT, OUT + 4)));
    r.push(str(proxy_get_current_time_nanoseconds(BAD)));
    r.push(str(proxy_set_shared_data(BAD, 100, ptr(k), 1, 0)));
    r.push(str(proxy_get_buffer_bytes(6, 0, 10, BAD, OUT + 4)));
    log("err_ptr " + r.join(","));
  } else if (op == "err_unavail") {
    // Request trailers never exist here; http_call maps only inside call_resp.
    const r = new Array<string>();
    r.push(str(proxy_get_header_map_value(1, ptr(k), 1, OUT, OUT + 4)));
    r.push(str(proxy_get_header_map_pairs(6, OUT, OUT + 4)));
    r.push(str(proxy_add_header_map_value(7, ptr(k), 1, ptr(k), 1)));
    r.push(str(proxy_get_buffer_bytes(4, 0, 10, OUT, OUT + 4)));
    r.push(str(proxy_get_buffer_bytes(7, 0, 10, OUT, OUT + 4)));
    r.push(str(proxy_set_buffer_bytes(6, 0, 0, ptr(k), 1)));
    r.push(str(proxy_grpc_call(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, OUT)));
    log("err_unavail " + r.join(","));
  } else return 0;
  return 1;
}

function miscOp(op: string, a: string[], ctx: u32): i32 {
  if (op == "log") log(a.join(" "));
  else if (op == "level") {
    const s = proxy_get_log_level(OUT + 8);
    log("level " + load<u32>(OUT + 8).toString() + " s=" + str(s));
  } else if (op == "time") {
    const s = proxy_get_current_time_nanoseconds(OUT + 8);
    const w = clock_time_get(0, 1, OUT + 16);
    log("time " + (load<u64>(OUT + 8) > 1600000000000000000 ? "ok" : "bad") + " wasi=" + (load<u64>(OUT + 16) > 1600000000000000000 ? "ok" : "bad") + " s=" + str(s) + "," + w.toString());
  } else if (op == "tickset") log("tickset s=" + str(proxy_set_tick_period_milliseconds(U32.parseInt(a[0]))));
  else if (op == "effective") log("effective s=" + str(proxy_set_effective_context(U32.parseInt(a[0]))));
  else if (op == "done") log("done s=" + str(proxy_done()));
  else if (op == "status") {
    const s = proxy_get_status(OUT + 8, OUT, OUT + 4);
    log("status " + load<u32>(OUT + 8).toString() + " " + takeString() + " s=" + str(s));
  } else if (op == "cont") log("cont s=" + str(proxy_continue_stream(I32.parseInt(a[0]))));
  else if (op == "close") log("close s=" + str(proxy_close_stream(I32.parseInt(a[0]))));
  else if (op == "reply") {
    const flat = a.slice(2);
    const hdrs = serialize(flat);
    const d = bytes("from_script");
    const b = bytes(a[1] == "-" ? "" : a[1]);
    log("reply s=" + str(proxy_send_local_response(U32.parseInt(a[0]), ptr(d), d.byteLength, ptr(b), b.byteLength, ptr(hdrs), hdrs.byteLength, -1)));
  } else if (op == "call") callOp(ctx, a);
  else if (op == "foreign") foreignOp(a);
  else if (op == "trap") unreachable();
  else if (op == "recurse") log("depth " + recurse(1).toString());
  else if (op == "abort") abort("script abort", "script.ts", 1, 2);
  else if (op == "exit") proc_exit(3);
  else if (op == "loop") {
    let i: u64 = 0;
    while (i < 0xffffffffffffffff) i += <u64>(load<u8>(OUT + 31) + 1);
    log("unreachable " + i.toString());
  } else if (op == "hog") {
    const keep = new Array<ArrayBuffer>();
    for (let i = 0; i < 100000; i++) keep.push(new ArrayBuffer(1 << 20));
    log("hog survived " + keep.length.toString());
  } else if (op == "stdout") {
    const b = bytes(a.join(" ") + "\n");
    store<u32>(OUT + 24, <u32>ptr(b));
    store<u32>(OUT + 28, b.byteLength);
    log("stdout s=" + fd_write(1, OUT + 24, 1, OUT + 8).toString());
  } else if (op == "environ") {
    const s = environ_sizes_get(OUT + 8, OUT + 16);
    log("environ " + load<u32>(OUT + 8).toString() + " " + load<u32>(OUT + 16).toString() + " s=" + s.toString());
  } else if (op == "random") {
    const big = random_get(OUT, 70000);
    log("random s=" + random_get(OUT, 16).toString() + " big=" + big.toString());
  } else return 0;
  return 1;
}

function unhex(h: string): ArrayBuffer {
  const b = new ArrayBuffer(h.length / 2);
  for (let i = 0; i < b.byteLength; i++) store<u8>(ptr(b) + i, <u8>U32.parseInt(h.substr(2 * i, 2), 16));
  return b;
}

/** foreign <name> <hex field>...: arguments = each field as u32 LE length + bytes; logs the result as hex. */
function foreignOp(a: string[]): void {
  const name = bytes(a[0]);
  const fields = new Array<ArrayBuffer>();
  let size = 0;
  for (let i = 1; i < a.length; i++) {
    const f = unhex(a[i]);
    fields.push(f);
    size += 4 + f.byteLength;
  }
  const args = new ArrayBuffer(size);
  let at = ptr(args);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    store<u32>(at, f.byteLength);
    memory.copy(at + 4, ptr(f), f.byteLength);
    at += 4 + f.byteLength;
  }
  const s = proxy_call_foreign_function(ptr(name), name.byteLength, ptr(args), size, OUT, OUT + 4);
  let out = "";
  if (s == 0) {
    const p = load<u32>(OUT);
    const n = load<u32>(OUT + 4);
    for (let j: u32 = 0; j < n; j++) {
      const x = load<u8>(p + j);
      out += (x < 16 ? "0" : "") + x.toString(16);
    }
    if (n > 0) heap.free(p);
  }
  log("foreign " + out + " s=" + str(s));
}

/** Unbounded recursion: the guest's stack overflows. */
function recurse(n: i32): i32 {
  return n + recurse(n + load<u8>(OUT + 30) + 1) * 3;
}

/** Runs the lines for callback `cb`; returns the value of its last `ret`, or `dflt`. */
function run(cb: string, ctx: u32, dflt: i32): i32 {
  let result = dflt;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l[0] != cb || l.length < 2) continue;
    let at = 1;
    if (l[1].startsWith("?")) {
      const cond = l[1].substring(1).split("=");
      const v = header(0, cond[0]);
      if (v == null || v != cond[1]) continue;
      at = 2;
    }
    if (l[at] == "@eos") { // the rest of the line runs only in the callback that ends the stream
      if (!eos) continue;
      at++;
    }
    const op = l[at];
    const a = l.slice(at + 1);
    if (op == "ret") result = I32.parseInt(a[0]);
    else if (op == "retnoteos") result = eos ? 0 : I32.parseInt(a[0]);
    else if (mapOp(op, a) || bodyOp(op, a) || propOp(op, a) || sharedOp(op, a) || errorOps(op, a) || miscOp(op, a, ctx)) {}
    else log("unknown op " + op);
  }
  return result;
}

function enter(cb: string, ctx: u32, a: u32, b: u32): void {
  if (trace) log("cb " + cb + " " + ctx.toString() + " " + a.toString() + " " + b.toString());
}

/** The VM configuration (readable from the start, unlike the plugin configuration). */
function vmConfig(): string {
  if (proxy_get_buffer_bytes(6, 0, 1024, OUT, OUT + 4) != 0) return "";
  return takeString();
}

export function proxy_on_context_create(ctx: u32, parent: u32): void {
  if (parent == 0) {
    rootId = ctx;
    if (vmConfig() == "trace") trace = true; // the root's start-up is traced too
  }
  enter("create", ctx, parent, 0);
  if (parent != 0) run("create", ctx, 0);
}
export function proxy_on_vm_start(ctx: u32, size: u32): u32 {
  enter("vm_start", ctx, size, 0);
  if (vmConfig() == "trap") unreachable();
  return 1;
}
export function proxy_on_configure(ctx: u32, size: u32): u32 {
  parseConfig(size);
  enter("configure", ctx, size, 0);
  return run("configure", ctx, 1);
}
export function proxy_on_request_headers(ctx: u32, n: u32, end: u32): i32 {
  eos = end != 0;
  enter("req_headers", ctx, n, end);
  return run("req_headers", ctx, 0);
}
export function proxy_on_request_body(ctx: u32, size: u32, end: u32): i32 {
  eos = end != 0;
  enter("req_body", ctx, size, end);
  return run("req_body", ctx, 0);
}
export function proxy_on_request_trailers(ctx: u32, n: u32): i32 {
  enter("req_trailers", ctx, n, 0);
  return run("req_trailers", ctx, 0);
}
export function proxy_on_response_headers(ctx: u32, n: u32, end: u32): i32 {
  eos = end != 0;
  enter("resp_headers", ctx, n, end);
  return run("resp_headers", ctx, 0);
}
export function proxy_on_response_body(ctx: u32, size: u32, end: u32): i32 {
  eos = end != 0;
  enter("resp_body", ctx, size, end);
  return run("resp_body", ctx, 0);
}
export function proxy_on_response_trailers(ctx: u32, n: u32): i32 {
  enter("resp_trailers", ctx, n, 0);
  return run("resp_trailers", ctx, 0);
}
export function proxy_on_log(ctx: u32): void {
  enter("log", ctx, 0, 0);
  run("log", ctx, 0);
}
export function proxy_on_done(ctx: u32): u32 {
  enter("done", ctx, 0, 0);
  return run("done", ctx, 1);
}
export function proxy_on_delete(ctx: u32): void {
  enter("delete", ctx, 0, 0);
  run("delete", ctx, 0);
}
export function proxy_on_tick(ctx: u32): void {
  enter("tick", ctx, 0, 0);
  run("tick", ctx, 0);
}
export function proxy_on_queue_ready(ctx: u32, id: u32): void {
  enter("queue", ctx, id, 0);
  const s = proxy_dequeue_shared_queue(id, OUT, OUT + 4);
  log("dequeue " + (s == 0 ? takeString() : "") + " s=" + str(s));
  const s2 = proxy_dequeue_shared_queue(id, OUT, OUT + 4);
  log("dequeue-again s=" + str(s2));
  run("queue", ctx, 0);
}
export function proxy_on_http_call_response(ctx: u32, token: u32, nh: u32, body: u32, nt: u32): void {
  enter("call_resp", ctx, nh, body);
  if (callCtx.has(token)) {
    proxy_set_effective_context(callCtx.get(token));
    callCtx.delete(token);
  }
  run("call_resp", ctx, 0);
}
