// Benchmark module: a body-reading filter. Buffers the whole request body (as a validating or
// signing filter must), reads it once at end of stream and counts its bytes, then lets it go
// upstream unchanged. A request without a body passes through its headers callback only.
import { OUT, malloc, proxy_get_buffer_bytes } from "./_abi";

export { malloc };
export function proxy_abi_version_0_2_1(): void {}

const REQUEST_BODY: i32 = 0;
const CONTINUE: i32 = 0;
const STOP_AND_BUFFER: i32 = 1;
let checksum: u32 = 0;

export function proxy_on_context_create(ctx: u32, parent: u32): void {}
export function proxy_on_vm_start(ctx: u32, size: u32): u32 { return 1; }
export function proxy_on_configure(ctx: u32, size: u32): u32 { return 1; }
export function proxy_on_request_headers(ctx: u32, n: u32, end: u32): i32 { return CONTINUE; }
export function proxy_on_request_body(ctx: u32, size: u32, end: u32): i32 {
  if (end == 0) return STOP_AND_BUFFER;
  if (size == 0) return CONTINUE;
  if (proxy_get_buffer_bytes(REQUEST_BODY, 0, size, OUT, OUT + 4) != 0) return CONTINUE;
  const p = load<u32>(OUT);
  const len = load<u32>(OUT + 4);
  for (let i: u32 = 0; i < len; i++) checksum += load<u8>(p + i);
  heap.free(p);
  return CONTINUE;
}
export function proxy_on_done(ctx: u32): u32 { return 1; }
