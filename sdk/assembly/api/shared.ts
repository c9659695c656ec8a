/**
 * Shared data (a key/value store with compare-and-swap) and shared queues, visible to every
 * VM with the same vm_id: how a filter shares state across streams and workers' VMs.
 */
import {
  proxy_dequeue_shared_queue, proxy_enqueue_shared_queue, proxy_get_shared_data,
  proxy_register_shared_queue, proxy_resolve_shared_queue, proxy_set_shared_data,
} from "../abi/imports";
import { WasmResult } from "../abi/enums";
import { OUT_PTR, OUT_SCALAR, OUT_SIZE, dropBytes, fromUtf8, resetOut, scalarU32, takeBytes, utf8 } from "../abi/memory";

/** A value read from shared data with the CAS token to write it back conditionally. */
export class SharedValue {
  /** Creates a value. */
  constructor(public bytes: ArrayBuffer, public cas: u32) {}
  /** The value as UTF-8 text. */
  text(): string {
    return fromUtf8(this.bytes);
  }
}

/** Reads `key`; null when absent. */
export function getSharedData(key: string): SharedValue | null {
  const k = utf8(key);
  resetOut();
  const status = proxy_get_shared_data(changetype<usize>(k), k.byteLength, OUT_PTR, OUT_SIZE, OUT_SCALAR);
  if (status != WasmResult.Ok) {
    dropBytes();
    return null;
  }
  const cas = scalarU32();
  return new SharedValue(takeBytes(), cas);
}

/**
 * Writes `key`. With `cas` 0 the write is unconditional; otherwise it succeeds only if nobody
 * wrote since the read that returned `cas` (else `CasMismatch`: read again and retry).
 */
export function setSharedData(key: string, value: ArrayBuffer, cas: u32 = 0): WasmResult {
  const k = utf8(key);
  return <WasmResult>proxy_set_shared_data(changetype<usize>(k), k.byteLength, changetype<usize>(value), value.byteLength, cas);
}

/** `setSharedData` with a text value. */
export function setSharedText(key: string, value: string, cas: u32 = 0): WasmResult {
  return setSharedData(key, utf8(value), cas);
}

/** Registers (or re-registers) queue `name` of this VM; returns its id, 0 on failure. */
export function registerQueue(name: string): u32 {
  const n = utf8(name);
  resetOut();
  if (proxy_register_shared_queue(changetype<usize>(n), n.byteLength, OUT_SCALAR) != WasmResult.Ok) return 0;
  return scalarU32();
}

/** Finds queue `name` of VM `vmId` ("" = this VM); 0 when it does not exist. */
export function resolveQueue(vmId: string, name: string): u32 {
  const v = utf8(vmId);
  const n = utf8(name);
  resetOut();
  if (proxy_resolve_shared_queue(changetype<usize>(v), v.byteLength, changetype<usize>(n), n.byteLength, OUT_SCALAR) != WasmResult.Ok) return 0;
  return scalarU32();
}

/** Adds `value` to queue `id`; the registrant's root gets `onQueueReady`. */
export function enqueue(id: u32, value: ArrayBuffer): WasmResult {
  return <WasmResult>proxy_enqueue_shared_queue(id, changetype<usize>(value), value.byteLength);
}

/** Takes the oldest item of queue `id`; null when empty or unknown. */
export function dequeue(id: u32): ArrayBuffer | null {
  resetOut();
  if (proxy_dequeue_shared_queue(id, OUT_PTR, OUT_SIZE) != WasmResult.Ok) {
    dropBytes();
    return null;
  }
  return takeBytes();
}
