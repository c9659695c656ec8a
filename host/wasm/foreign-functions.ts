/**
 * proxy_call_foreign_function (ABI reference §3.1): a table of named host functions a filter
 * may call with a byte string, and the import that dispatches to it. Sluice's built-ins are
 * listed in createForeignFunctions(); Envoy's own names (compress, declare_property, …) are
 * not provided and answer NotFound like any unknown name.
 */
import { WasmResult } from './abi.js';
import { CRYPTO_VERIFY, createCryptoVerify, type ForeignFunction } from './foreign-crypto.js';
import type { GuestMemory } from './memory.js';

export type { ForeignFunction } from './foreign-crypto.js';

/** Name → function. */
export type ForeignFunctions = ReadonlyMap<string, ForeignFunction>;

/** Sluice's built-in foreign functions, each with fresh private state (e.g. key caches). */
export function createForeignFunctions(): Map<string, ForeignFunction> {
  return new Map<string, ForeignFunction>([[CRYPTO_VERIFY, createCryptoVerify()]]);
}

/**
 * The `proxy_call_foreign_function(name, name_len, args, args_len, **out, *out_len)` import
 * over `fns`: NotFound for an unknown name, the function's status when it fails, else Ok with
 * the result handed to the guest (§5.2; discarded when the out-pointer is 0).
 */
export function foreignFunctionImport(mem: GuestMemory, fns: ForeignFunctions) {
  return (namePtr: number, nameLen: number, argsPtr: number, argsLen: number, outPtr: number, outLenPtr: number): number => {
    if (!mem.ok(namePtr, nameLen) || !mem.ok(argsPtr, argsLen)) return WasmResult.InvalidMemoryAccess;
    const fn = fns.get(mem.utf8(namePtr, nameLen));
    if (!fn) return WasmResult.NotFound;
    let result: Uint8Array | WasmResult;
    try {
      result = fn(mem.copy(argsPtr, argsLen));
    } catch {
      return WasmResult.InternalFailure; // a foreign function must not throw; never let it reach the VM
    }
    if (typeof result === 'number') return result;
    if ((outPtr >>> 0) === 0) return WasmResult.Ok;
    if (!mem.ok(outPtr, 4) || !mem.ok(outLenPtr, 4)) return WasmResult.InvalidMemoryAccess;
    return mem.giveBytes(outPtr, outLenPtr, result) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  };
}
