/**
 * Byte buffers of the host: HTTP bodies, TCP data, http_call response body, configuration.
 * Reads copy the bytes into a fresh `ArrayBuffer`; writes replace, append or prepend (the three
 * edits every host supports, Envoy included).
 */
import { proxy_get_buffer_bytes, proxy_get_buffer_status, proxy_set_buffer_bytes } from "../abi/imports";
import { BufferType, WasmResult } from "../abi/enums";
import { OUT_PTR, OUT_SCALAR, OUT_SIZE, dropBytes, fromUtf8, resetOut, scalarU32, takeBytes, utf8 } from "../abi/memory";

// i32.MAX rather than 0xFFFFFFFF: hosts that forget to read u32 still see "everything".
const ALL: u32 = 0x7fffffff;

/** One host buffer, named by its `BufferType`. */
export class BodyBuffer {
  /** Wraps the host buffer `type`. */
  constructor(public readonly type: BufferType) {}

  /**
   * `max` bytes from `start` (default: all), or null when the buffer is not available in this
   * callback. An empty buffer gives an empty `ArrayBuffer`.
   */
  bytes(start: u32 = 0, max: u32 = ALL): ArrayBuffer | null {
    resetOut();
    const status = proxy_get_buffer_bytes(<u32>this.type, start, max, OUT_PTR, OUT_SIZE);
    if (status != WasmResult.Ok) {
      dropBytes();
      return null;
    }
    return takeBytes();
  }

  /** The buffer decoded as UTF-8, or null when unavailable. */
  text(start: u32 = 0, max: u32 = ALL): string | null {
    const b = this.bytes(start, max);
    return b === null ? null : fromUtf8(b);
  }

  /** Current length in bytes, or -1 when the buffer is unavailable. */
  length(): i64 {
    resetOut();
    // The flags word is written just after the length; both fit in the scalar slot.
    const status = proxy_get_buffer_status(<u32>this.type, OUT_SCALAR, OUT_SCALAR + 4);
    if (status != WasmResult.Ok) return -1;
    return <i64>scalarU32();
  }

  /** Replaces the whole buffer with `data`. */
  replace(data: ArrayBuffer): WasmResult {
    return <WasmResult>proxy_set_buffer_bytes(<u32>this.type, 0, ALL, changetype<usize>(data), data.byteLength);
  }

  /** Replaces the whole buffer with the UTF-8 bytes of `text`. */
  replaceText(text: string): WasmResult {
    return this.replace(utf8(text));
  }

  /** Appends `data` to the buffer. */
  append(data: ArrayBuffer): WasmResult {
    return <WasmResult>proxy_set_buffer_bytes(<u32>this.type, ALL, 0, changetype<usize>(data), data.byteLength);
  }

  /** Appends the UTF-8 bytes of `text`. */
  appendText(text: string): WasmResult {
    return this.append(utf8(text));
  }

  /** Inserts `data` before the buffer's first byte. */
  prepend(data: ArrayBuffer): WasmResult {
    return <WasmResult>proxy_set_buffer_bytes(<u32>this.type, 0, 0, changetype<usize>(data), data.byteLength);
  }

  /** Inserts the UTF-8 bytes of `text` before the buffer's first byte. */
  prependText(text: string): WasmResult {
    return this.prepend(utf8(text));
  }
}

/** Request body (in `onRequestBody`; the whole buffered body after StopIterationAndBuffer). */
export const requestBody = new BodyBuffer(BufferType.HttpRequestBody);
/** Response body (in `onResponseBody`). */
export const responseBody = new BodyBuffer(BufferType.HttpResponseBody);
/** Bytes from the client (in `onDownstreamData`). */
export const downstreamData = new BodyBuffer(BufferType.DownstreamData);
/** Bytes from the upstream (in `onUpstreamData`). */
export const upstreamData = new BodyBuffer(BufferType.UpstreamData);
/** Body of the http_call response being delivered (only inside its callback). */
export const httpCallResponseBody = new BodyBuffer(BufferType.HttpCallResponseBody);
/** Plugin configuration (in `onConfigure`). */
export const pluginConfiguration = new BodyBuffer(BufferType.PluginConfiguration);
/** VM configuration (in `onVmStart`). */
export const vmConfiguration = new BodyBuffer(BufferType.VmConfiguration);
/** The gRPC message being delivered (only inside a gRPC receive callback). */
export const grpcReceiveBuffer = new BodyBuffer(BufferType.GrpcReceiveBuffer);
/** Arguments of the foreign function the host is calling (only inside `onForeignFunction`). */
export const foreignFunctionArguments = new BodyBuffer(BufferType.CallData);
