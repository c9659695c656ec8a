/**
 * HTTP trailer callbacks. Export only if the filter overrides onRequestTrailers / onResponseTrailers.
 */
import { httpContextOf } from "../context/registry";

/** Request trailers. */
export function proxy_on_request_trailers(contextId: u32, trailerCount: u32): u32 {
  const ctx = httpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onRequestTrailers(trailerCount);
}

/** Response trailers. */
export function proxy_on_response_trailers(contextId: u32, trailerCount: u32): u32 {
  const ctx = httpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onResponseTrailers(trailerCount);
}
