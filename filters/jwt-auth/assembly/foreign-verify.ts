/**
 * Signature verification by the host: the `sluice.crypto.verify` foreign function
 * (`proxy_call_foreign_function`, implemented in Sluice by host/wasm/foreign-crypto.ts on
 * node:crypto). The SDK has no wrapper for foreign functions yet, so the raw call lives here.
 *
 * Arguments: four fields, each a u32 little-endian byte length followed by the bytes:
 * alg ("RS256", "ES256"), key (PEM text or JWK JSON), signed data, signature (JOSE form: ES256
 * is r ‖ s, 64 bytes). Result: one byte, 1 = valid, 0 = invalid.
 */
import { proxy_call_foreign_function } from "sdk/assembly/abi/imports";
import { OUT_PTR, OUT_SIZE, dropBytes, resetOut, takeBytes } from "sdk/assembly/abi/memory";
import { WasmResult } from "sdk/assembly";

/** The foreign function's name. */
export const VERIFY_FUNCTION = "sluice.crypto.verify";

/** Outcome of asking the host. */
export enum HostVerdict {
  Valid = 0,
  Invalid = 1,
  /** The host has no such function (another proxy): use a fallback or fail. */
  Unavailable = 2,
  /** The host refused the input (bad key, unknown alg). */
  Error = 3,
}

function putField(out: Uint8Array, at: i32, field: Uint8Array): i32 {
  store<u32>(out.dataStart + <usize>at, <u32>field.length);
  out.set(field, at + 4);
  return at + 4 + field.length;
}

/** Encodes the arguments (see the file comment). */
export function encodeVerifyArgs(alg: Uint8Array, key: Uint8Array, data: Uint8Array, signature: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + alg.length + key.length + data.length + signature.length);
  let at = putField(out, 0, alg);
  at = putField(out, at, key);
  at = putField(out, at, data);
  putField(out, at, signature);
  return out;
}

/** Asks the host to verify; never traps. */
export function hostVerify(alg: Uint8Array, key: Uint8Array, data: Uint8Array, signature: Uint8Array): HostVerdict {
  const name = String.UTF8.encode(VERIFY_FUNCTION);
  const args = encodeVerifyArgs(alg, key, data, signature);
  resetOut();
  const status = proxy_call_foreign_function(
    changetype<usize>(name), <usize>name.byteLength, args.dataStart, <usize>args.length, OUT_PTR, OUT_SIZE,
  );
  if (status != WasmResult.Ok) {
    dropBytes();
    return status == WasmResult.NotFound || status == WasmResult.Unimplemented ? HostVerdict.Unavailable : HostVerdict.Error;
  }
  const result = takeBytes();
  if (result.byteLength != 1) return HostVerdict.Error;
  return load<u8>(changetype<usize>(result)) == 1 ? HostVerdict.Valid : HostVerdict.Invalid;
}
