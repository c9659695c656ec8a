/**
 * The TCP stream context (network filter): one per downstream connection. Data callbacks see
 * everything buffered so far when an earlier call returned StopIteration.
 */
import { proxy_close_stream, proxy_continue_stream } from "../abi/imports";
import { FilterStatus, PeerType, StreamType, WasmResult } from "../abi/enums";
import { BodyBuffer, downstreamData, upstreamData } from "../api/buffers";
import { BaseContext } from "./base";
import { RootContext } from "./root";

/** Base TCP context: every callback continues. */
export class TcpContext extends BaseContext {
  /** The plugin's root context. */
  readonly root: RootContext;

  /** Creates the context; call from your root's `newTcpContext`. */
  constructor(id: u32, root: RootContext) {
    super(id);
    this.root = root;
  }

  /** A client connected. */
  onNewConnection(): FilterStatus {
    return FilterStatus.Continue;
  }
  /** Bytes from the client; `dataSize` counts everything buffered. */
  onDownstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    return FilterStatus.Continue;
  }
  /** Bytes from the upstream. */
  onUpstreamData(dataSize: u32, endOfStream: bool): FilterStatus {
    return FilterStatus.Continue;
  }
  /** The client side closed (`peer`: who closed it). */
  onDownstreamClose(peer: PeerType): void {}
  /** The upstream side closed. */
  onUpstreamClose(peer: PeerType): void {}

  /** Client bytes (in `onDownstreamData`). */
  get downstreamData(): BodyBuffer { return downstreamData; }
  /** Upstream bytes (in `onUpstreamData`). */
  get upstreamData(): BodyBuffer { return upstreamData; }

  /** Resumes client data held by StopIteration. */
  resumeDownstream(): WasmResult {
    this.makeEffective();
    return <WasmResult>proxy_continue_stream(StreamType.Downstream);
  }

  /** Closes the client connection. */
  closeDownstream(): WasmResult {
    this.makeEffective();
    return <WasmResult>proxy_close_stream(StreamType.Downstream);
  }

  /** Closes the upstream connection. */
  closeUpstream(): WasmResult {
    this.makeEffective();
    return <WasmResult>proxy_close_stream(StreamType.Upstream);
  }
}
