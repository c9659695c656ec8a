// Hot-reload test module. Its version is a build-time constant stored in a data segment
// ("@@VER@@" + 4 digits) and its misbehaviour a one-digit mode ("@@MODE@@" + digit), so a test
// makes any number of distinct versions by patching those bytes (UTF-16LE, same length) without
// rebuilding. Modes: 0 normal, 1 trap in proxy_on_vm_start, 2 proxy_on_configure returns false,
// 3 trap on every request. A plugin configuration "v=<text>" overrides the reported version
// (per-route configuration tests).
// Every stream: request header x-version-req and response header x-version-resp carry the
// version (set in both phases, so a response is provably wholly one version's), and
// x-shared-count a per-vm_id shared-data counter (survives module swaps). The root context logs
// "root done <v>" / "root deleted <v>" when the host shuts it down.
import { OUT, bytes, ptr, log, takeString, malloc, proxy_get_buffer_bytes, proxy_add_header_map_value,
  proxy_get_shared_data, proxy_set_shared_data } from "./_abi";

export { malloc };
export function proxy_abi_version_0_2_1(): void {}

const VERSION_MARK = "@@VER@@0000";
const MODE_MARK = "@@MODE@@0";
let version = "";
let rootCtx: u32 = 0;

function mode(): i32 {
  return MODE_MARK.charCodeAt(8) - 48;
}

function addHeader(map: i32, name: string, value: string): void {
  const k = bytes(name);
  const v = bytes(value);
  proxy_add_header_map_value(map, ptr(k), k.byteLength, ptr(v), v.byteLength);
}

function bumpShared(): string {
  const key = bytes("reload_version.count");
  let n: i32 = 0;
  if (proxy_get_shared_data(ptr(key), key.byteLength, OUT, OUT + 4, OUT + 16) == 0) n = I32.parseInt(takeString());
  n++;
  const val = bytes(n.toString());
  proxy_set_shared_data(ptr(key), key.byteLength, ptr(val), val.byteLength, 0);
  return n.toString();
}

export function proxy_on_context_create(ctx: u32, parent: u32): void {
  if (parent == 0) rootCtx = ctx;
}

export function proxy_on_vm_start(ctx: u32, size: u32): u32 {
  version = VERSION_MARK.substring(7);
  if (mode() == 1) unreachable();
  return 1;
}

export function proxy_on_configure(ctx: u32, size: u32): u32 {
  if (mode() == 2) return 0;
  if (size > 0 && proxy_get_buffer_bytes(7, 0, size, OUT, OUT + 4) == 0) {
    const conf = takeString();
    if (conf.startsWith("v=")) version = conf.substring(2);
  }
  return 1;
}

export function proxy_on_request_headers(ctx: u32, n: u32, end: u32): i32 {
  if (mode() == 3) unreachable();
  addHeader(0, "x-version-req", version);
  return 0;
}

export function proxy_on_request_body(ctx: u32, size: u32, end: u32): i32 {
  return 0;
}

export function proxy_on_response_headers(ctx: u32, n: u32, end: u32): i32 {
  addHeader(2, "x-version-resp", version);
  addHeader(2, "x-shared-count", bumpShared());
  return 0;
}

export function proxy_on_response_body(ctx: u32, size: u32, end: u32): i32 {
  return 0;
}

export function proxy_on_done(ctx: u32): u32 {
  if (ctx == rootCtx) log("root done " + version);
  return 1;
}

export function proxy_on_delete(ctx: u32): void {
  if (ctx == rootCtx) log("root deleted " + version);
}
