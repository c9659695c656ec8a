/**
 * gRPC callbacks (ABI reference §4): events of the calls and streams a context opened with
 * `grpcCall` / `grpcStream`. Hosts without gRPC never call them, so exporting them is harmless.
 * The trailing-metadata callback uses the spec's name (`proxy_on_grpc_receive_trailing_metadata`),
 * the one the C++ host calls.
 */
import { proxy_set_effective_context } from "../abi/imports";
import { GrpcStatus } from "../abi/enums";
import { grpcReceiveBuffer } from "../api/buffers";
import { grpcInitialMetadata, grpcTrailingMetadata } from "../api/headers";
import { getStatus } from "../api/status";
import { GrpcResponse } from "../context/grpc";
import { PendingGrpc, findGrpc, takeGrpc } from "../context/registry";

// The event belongs to the context that opened the callout: later hostcalls act on its stream.
function enter(p: PendingGrpc): void {
  proxy_set_effective_context(p.origin.contextId);
}

function deliverCall(p: PendingGrpc, response: GrpcResponse): void {
  const cb = p.callback;
  if (cb === null) p.origin.onGrpcCallResponse(response);
  else cb(p.origin, response);
}

/** Initial metadata of stream `token` arrived. */
export function proxy_on_grpc_receive_initial_metadata(rootId: u32, token: u32, headerCount: u32): void {
  const p = findGrpc(token);
  if (p === null) return;
  const h = p.handler;
  if (h === null) return;
  enter(p);
  h.onInitialMetadata(p.origin, token, grpcInitialMetadata.all());
}

/** A message for call or stream `token` arrived; a unary call is then over. */
export function proxy_on_grpc_receive(rootId: u32, token: u32, messageSize: u32): void {
  const p = findGrpc(token);
  if (p === null) return;
  enter(p);
  const read = grpcReceiveBuffer.bytes(0, messageSize);
  const message = read === null ? new ArrayBuffer(0) : read;
  const h = p.handler;
  if (h !== null) {
    h.onMessage(p.origin, token, message);
    return;
  }
  takeGrpc(token);
  deliverCall(p, new GrpcResponse(token, GrpcStatus.Ok, "", message));
}

/** Trailing metadata of stream `token` arrived. */
export function proxy_on_grpc_receive_trailing_metadata(rootId: u32, token: u32, trailerCount: u32): void {
  const p = findGrpc(token);
  if (p === null) return;
  const h = p.handler;
  if (h === null) return;
  enter(p);
  h.onTrailingMetadata(p.origin, token, grpcTrailingMetadata.all());
}

/** Call or stream `token` ended with `statusCode`; its message comes from `proxy_get_status`. */
export function proxy_on_grpc_close(rootId: u32, token: u32, statusCode: u32): void {
  const p = takeGrpc(token);
  if (p === null) return;
  enter(p);
  const message = getStatus().message;
  const h = p.handler;
  if (h !== null) h.onClose(p.origin, token, <GrpcStatus>statusCode, message);
  else deliverCall(p, new GrpcResponse(token, <GrpcStatus>statusCode, message, new ArrayBuffer(0)));
}
