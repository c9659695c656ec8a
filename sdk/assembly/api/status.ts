/**
 * The status of the last callout (`proxy_get_status`): why an http_call failed, or how a gRPC
 * call or stream closed. Hosts keep one per root, so read it inside the callback that reports
 * the outcome; later callouts overwrite it.
 */
import { proxy_get_status } from "../abi/imports";
import { WasmResult } from "../abi/enums";
import { OUT_PTR, OUT_SCALAR, OUT_SIZE, dropBytes, fromUtf8, resetOut, scalarU32, takeBytes } from "../abi/memory";

/** A callout's outcome as the host reports it. */
export class CalloutStatus {
  /** Creates a status; `getStatus()` does this. */
  constructor(
    /**
     * The code: after an http_call a `WasmResult` (Ok, or BrokenConnection when no answer came);
     * after a gRPC close a gRPC status code (see `GrpcStatus`).
     */
    public readonly code: u32,
    /** The host's message ("ok", "reset", "timeout", a gRPC status message…). */
    public readonly message: string,
    /** The status of `proxy_get_status` itself: not Ok when the host could not say. */
    public readonly result: WasmResult,
  ) {}
}

/** The last callout status of the current root. Never throws; see `CalloutStatus.result`. */
export function getStatus(): CalloutStatus {
  resetOut();
  const result = <WasmResult>proxy_get_status(OUT_SCALAR, OUT_PTR, OUT_SIZE);
  if (result != WasmResult.Ok) {
    dropBytes();
    return new CalloutStatus(<u32>WasmResult.InternalFailure, "", result);
  }
  const code = scalarU32();
  return new CalloutStatus(code, fromUtf8(takeBytes()), result);
}
