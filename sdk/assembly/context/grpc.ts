/**
 * gRPC callouts as a filter sees them (ABI reference §3.5). A unary call answers once, through
 * a `GrpcCallCallback`: a message (status Ok) or a close status. A stream reports to a
 * `GrpcStreamHandler` until it closes. Hosts without gRPC (Sluice) refuse both with
 * `Unimplemented`: the call then returns token 0 and no callback ever runs.
 */
import { GrpcStatus } from "../abi/enums";
import { Header } from "../abi/pairs";
import { BaseContext } from "./base";

/** The outcome of a unary gRPC call. */
export class GrpcResponse {
  /** Creates the outcome; the SDK does this when the host reports it. */
  constructor(
    /** The token `grpcCall` returned. */
    public readonly token: u32,
    /** `GrpcStatus.Ok` when a message arrived, else the status the call closed with. */
    public readonly status: GrpcStatus,
    /** The host's status message ("" on success). */
    public readonly statusMessage: string,
    /** The response message (serialized protobuf; empty on failure). */
    public readonly message: ArrayBuffer,
  ) {}

  /** True when the call succeeded and `message` holds the answer. */
  get ok(): bool {
    return this.status == GrpcStatus.Ok;
  }
}

/**
 * Receives a unary call's outcome. `origin` is the context that made the call; the host's
 * effective context is already set to it, so it may resume or answer its stream.
 */
export type GrpcCallCallback = (origin: BaseContext, response: GrpcResponse) => void;

/**
 * Receives the events of a gRPC stream; override the ones you need. `origin` is the context
 * that opened the stream and is already the host's effective context.
 */
export class GrpcStreamHandler {
  /** The server's initial metadata arrived. */
  onInitialMetadata(origin: BaseContext, token: u32, metadata: Array<Header>): void {}
  /** A message arrived (serialized protobuf). */
  onMessage(origin: BaseContext, token: u32, message: ArrayBuffer): void {}
  /** The server's trailing metadata arrived. */
  onTrailingMetadata(origin: BaseContext, token: u32, metadata: Array<Header>): void {}
  /** The stream ended with `status`; no further events follow. */
  onClose(origin: BaseContext, token: u32, status: GrpcStatus, message: string): void {}
}
