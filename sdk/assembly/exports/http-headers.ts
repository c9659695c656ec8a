/**
 * HTTP header callbacks. Export these from a filter that overrides onRequestHeaders / onResponseHeaders.
 */
import { httpContextOf } from "../context/registry";

/** Request headers. */
export function proxy_on_request_headers(contextId: u32, headerCount: u32, endOfStream: u32): u32 {
  const ctx = httpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onRequestHeaders(headerCount, endOfStream != 0);
}

/** Response headers. */
export function proxy_on_response_headers(contextId: u32, headerCount: u32, endOfStream: u32): u32 {
  const ctx = httpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onResponseHeaders(headerCount, endOfStream != 0);
}
