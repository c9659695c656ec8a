/**
 * TCP (network filter) callbacks. Export from a filter whose root creates TcpContexts.
 */
import { tcpContextOf } from "../context/registry";

/** New TCP connection. */
export function proxy_on_new_connection(contextId: u32): u32 {
  const ctx = tcpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onNewConnection();
}

/** Client data. */
export function proxy_on_downstream_data(contextId: u32, dataSize: u32, endOfStream: u32): u32 {
  const ctx = tcpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onDownstreamData(dataSize, endOfStream != 0);
}

/** Upstream data. */
export function proxy_on_upstream_data(contextId: u32, dataSize: u32, endOfStream: u32): u32 {
  const ctx = tcpContextOf(contextId);
  return ctx === null ? 0 : <u32>ctx.onUpstreamData(dataSize, endOfStream != 0);
}

/** Client side closed. */
export function proxy_on_downstream_connection_close(contextId: u32, peerType: u32): void {
  const ctx = tcpContextOf(contextId);
  if (ctx !== null) ctx.onDownstreamClose(peerType);
}

/** Upstream side closed. */
export function proxy_on_upstream_connection_close(contextId: u32, peerType: u32): void {
  const ctx = tcpContextOf(contextId);
  if (ctx !== null) ctx.onUpstreamClose(peerType);
}
