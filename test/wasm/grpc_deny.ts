// gRPC test module: rejects calls whose :path contains "/Deny" with a gRPC status
// (proxy_send_local_response with grpc_status 7 PERMISSION_DENIED), lets everything else
// through, and tags requests it saw with the body it was shown as HTTP/2 (x-grpc-seen).
import { OUT, bytes, ptr, malloc, proxy_get_header_map_value, proxy_add_header_map_value, proxy_send_local_response } from "./_abi";

export { malloc };
export function proxy_abi_version_0_2_1(): void {}

const PATH = bytes(":path");
const SEEN = bytes("x-grpc-seen");
const ONE = bytes("1");
const DETAILS = bytes("grpc_denied_by_filter");
const BODY = bytes("denied by policy");

export function proxy_on_context_create(ctx: u32, parent: u32): void {}
export function proxy_on_vm_start(ctx: u32, size: u32): u32 { return 1; }
export function proxy_on_configure(ctx: u32, size: u32): u32 { return 1; }
export function proxy_on_request_headers(ctx: u32, n: u32, end: u32): i32 {
  let path = "";
  if (proxy_get_header_map_value(0, ptr(PATH), PATH.byteLength, OUT, OUT + 4) == 0) {
    const p = load<u32>(OUT);
    const len = load<u32>(OUT + 4);
    path = String.UTF8.decodeUnsafe(p, len);
    heap.free(p);
  }
  if (path.includes("/Deny")) {
    proxy_send_local_response(403, ptr(DETAILS), DETAILS.byteLength, ptr(BODY), BODY.byteLength, 0, 0, 7);
    return 1;
  }
  proxy_add_header_map_value(0, ptr(SEEN), SEEN.byteLength, ptr(ONE), ONE.byteLength);
  return 0;
}
export function proxy_on_done(ctx: u32): u32 { return 1; }
