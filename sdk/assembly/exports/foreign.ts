/**
 * The host calling into the filter (`proxy_on_foreign_function`, ABI 0.2.x): delivered to the
 * root as `onForeignFunction`, which reads the arguments from `foreignFunctionArguments`.
 */
import { roots } from "../context/registry";

/** Host-initiated call `functionId` on root `rootId` with `argumentsSize` bytes of arguments. */
export function proxy_on_foreign_function(rootId: u32, functionId: u32, argumentsSize: u32): void {
  if (!roots.has(rootId)) return;
  roots.get(rootId).onForeignFunction(functionId, argumentsSize);
}
