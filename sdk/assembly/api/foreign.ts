/**
 * Foreign functions: named functions a host offers beyond the ABI
 * (`proxy_call_foreign_function`). Sluice offers `sluice.crypto.verify` (RS256 / ES256
 * signature checks on node:crypto, used by jwt-auth); Envoy offers e.g. `compress`. A host
 * without the function answers NotFound, so a filter can fall back or refuse.
 */
import { proxy_call_foreign_function } from "../abi/imports";
import { WasmResult } from "../abi/enums";
import { OUT_PTR, OUT_SIZE, dropBytes, resetOut, takeBytes, utf8 } from "../abi/memory";

/** What a foreign function returned. */
export class ForeignResult {
  /** Creates a result. */
  constructor(
    /** Ok, NotFound (no such function on this host), or the function's own failure status. */
    public status: WasmResult,
    /** The returned bytes (empty when the function returned nothing or failed). */
    public bytes: ArrayBuffer,
  ) {}

  /** True when the call succeeded. */
  get ok(): bool {
    return this.status == WasmResult.Ok;
  }
}

/** Calls host function `name` with `args`. Never throws; see `ForeignResult.status`. */
export function callForeignFunction(name: string, args: ArrayBuffer): ForeignResult {
  const n = utf8(name);
  resetOut();
  const status = <WasmResult>proxy_call_foreign_function(
    changetype<usize>(n), n.byteLength, changetype<usize>(args), args.byteLength, OUT_PTR, OUT_SIZE,
  );
  if (status != WasmResult.Ok) {
    dropBytes();
    return new ForeignResult(status, new ArrayBuffer(0));
  }
  return new ForeignResult(status, takeBytes());
}
