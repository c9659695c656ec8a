// ABI 0.1.0 module: header callbacks take two arguments, configuration comes from
// proxy_get_configuration, streams continue with proxy_continue_request.
import { OUT, bytes, ptr, log, takeString, malloc, proxy_get_header_map_value } from "./_abi";

@external("env", "proxy_get_configuration") declare function proxy_get_configuration(out: usize, outLen: usize): i32;
@external("env", "proxy_continue_request") declare function proxy_continue_request(): i32;
@external("env", "proxy_continue_stream") declare function proxy_continue_stream(t: i32): i32;

export { malloc };
export function proxy_abi_version_0_1_0(): void {}

export function proxy_on_context_create(ctx: u32, parent: u32): void {}
export function proxy_on_vm_start(ctx: u32, size: u32): u32 { return 1; }
export function proxy_on_configure(ctx: u32, size: u32): u32 {
  const s = proxy_get_configuration(OUT, OUT + 4);
  log("config " + takeString() + " s=" + s.toString());
  return 1;
}
export function proxy_on_request_headers(ctx: u32, n: u32): i32 {
  const k = bytes("x-missing");
  const s = proxy_get_header_map_value(0, ptr(k), k.byteLength, OUT, OUT + 4);
  log("missing s=" + s.toString() + " len=" + load<u32>(OUT + 4).toString());
  log("continue_request s=" + proxy_continue_request().toString() + " continue_stream s=" + proxy_continue_stream(0).toString());
  return 0;
}
