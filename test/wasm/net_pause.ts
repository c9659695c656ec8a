// Network filter test module for proxy_on_new_connection pauses, driven by its configuration:
//   "pause"      returns StopIteration from proxy_on_new_connection after asking to continue
//                (proxy_continue_stream DOWNSTREAM), so iteration resumes without client bytes
//   "hold"       returns StopIteration from proxy_on_new_connection and never continues
//   "tag:<name>" continues at once
//   "call:<cluster>" returns StopIteration and sends an http_call (GET /) to <cluster>; the
//                response body is logged ("called <body>") and the connection continues
// Every mode logs "new <config>" from proxy_on_new_connection and "data <config> <size>" from
// proxy_on_downstream_data at warn level, so a test sees which filters were initialised.
import { OUT, bytes, ptr, malloc, serialize, proxy_continue_stream, proxy_http_call, proxy_set_effective_context } from "./_abi";
import { mode, readBuffer, warn } from "./_net";
export { proxy_on_context_create, proxy_on_vm_start, proxy_on_configure } from "./_net";

export { malloc };
export function proxy_abi_version_0_2_1(): void {}

/** http_call token -> the connection context that is waiting for it. */
const waiting = new Map<u32, u32>();

export function proxy_on_new_connection(ctx: u32): u32 {
  warn("new " + mode);
  if (mode == "pause") {
    proxy_continue_stream(2);
    return 1;
  }
  if (mode.startsWith("call:")) {
    const up = bytes(mode.slice(5));
    const hdrs = serialize([":method", "GET", ":path", "/", ":authority", "call"]);
    const none = new ArrayBuffer(0);
    if (proxy_http_call(ptr(up), up.byteLength, ptr(hdrs), hdrs.byteLength, ptr(none), 0, ptr(none), 0, 5000, OUT + 8) != 0) {
      warn("call failed");
      return 0;
    }
    waiting.set(load<u32>(OUT + 8), ctx);
    return 1;
  }
  return mode == "hold" ? 1 : 0;
}

export function proxy_on_http_call_response(ctx: u32, token: u32, nh: u32, body: u32, nt: u32): void {
  warn("called " + (body > 0 ? readBuffer(4, body) : ""));
  if (!waiting.has(token)) return;
  proxy_set_effective_context(waiting.get(token));
  waiting.delete(token);
  proxy_continue_stream(2);
}

export function proxy_on_downstream_data(ctx: u32, size: u32, eos: u32): u32 {
  warn("data " + mode + " " + size.toString());
  return 0;
}

export function proxy_on_upstream_data(ctx: u32, size: u32, eos: u32): u32 { return 0; }
export function proxy_on_done(ctx: u32): u32 { return 1; }
