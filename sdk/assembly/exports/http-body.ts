/**
 * HTTP body callbacks. Export only if the filter overrides onRequestBody / onResponseBody: the host skips
 * body delivery entirely for modules without them.
 */
import { httpContextOf } from "../context/registry";

/** Request body chunk. */
export function proxy_on_request_body(contextId: u32, bodySize: u32, endOfStream: u32): u32 {
  const ctx = httpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onRequestBody(bodySize, endOfStream != 0);
}

/** Response body chunk. */
export function proxy_on_response_body(contextId: u32, bodySize: u32, endOfStream: u32): u32 {
  const ctx = httpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onResponseBody(bodySize, endOfStream != 0);
}
