// Benchmark module: the smallest realistic header filter. Reads :path and adds a request
// header; adds a response header. Strings are encoded once, at module init.
import { OUT, bytes, ptr, malloc, proxy_get_header_map_value, proxy_add_header_map_value } from "./_abi";

export { malloc };
export function proxy_abi_version_0_2_1(): void {}

const PATH = bytes(":path");
const REQ_NAME = bytes("x-bench");
const RESP_NAME = bytes("x-bench-resp");
const VALUE = bytes("1");
let seen: u32 = 0;

export function proxy_on_context_create(ctx: u32, parent: u32): void {}
export function proxy_on_vm_start(ctx: u32, size: u32): u32 { return 1; }
export function proxy_on_configure(ctx: u32, size: u32): u32 { return 1; }
export function proxy_on_request_headers(ctx: u32, n: u32, end: u32): i32 {
  if (proxy_get_header_map_value(0, ptr(PATH), PATH.byteLength, OUT, OUT + 4) == 0) {
    seen += load<u32>(OUT + 4);
    heap.free(load<u32>(OUT));
  }
  proxy_add_header_map_value(0, ptr(REQ_NAME), REQ_NAME.byteLength, ptr(VALUE), VALUE.byteLength);
  return 0;
}
export function proxy_on_response_headers(ctx: u32, n: u32, end: u32): i32 {
  proxy_add_header_map_value(2, ptr(RESP_NAME), RESP_NAME.byteLength, ptr(VALUE), VALUE.byteLength);
  return 0;
}
export function proxy_on_done(ctx: u32): u32 { return 1; }
