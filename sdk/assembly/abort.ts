/**
 * Where AssemblyScript's `abort` (failed assertion, out-of-bounds access, `throw`) goes. The
 * SDK's asconfig routes it here with `--use abort=~lib/sdk/assembly/abort/sluiceAbort`, because
 * the default import `env.abort` does not exist in Envoy and would stop the module loading.
 * It logs the message through `proxy_log`, then calls WASI `proc_exit(255)`, which every
 * proxy-wasm host provides; the host marks the VM failed and applies the failure policy.
 */
import { proxy_log, wasi_proc_exit } from "./abi/imports";
import { LogLevel } from "./abi/enums";

// Guards against aborting again while building the message (e.g. out of memory).
let aborting = false;

/** Abort handler; not called directly. */
export function sluiceAbort(message: string | null = null, fileName: string | null = null, line: u32 = 0, column: u32 = 0): void {
  if (!aborting) {
    aborting = true;
    const text = "abort: " + (message === null ? "" : message) + " at " + (fileName === null ? "?" : fileName) +
      ":" + line.toString() + ":" + column.toString();
    const bytes = String.UTF8.encode(text);
    proxy_log(<u32>LogLevel.Critical, changetype<usize>(bytes), <usize>bytes.byteLength);
  }
  wasi_proc_exit(255);
  unreachable();
}

/** `trace()` handler: a debug log line. */
export function sluiceTrace(message: string, n: i32 = 0, a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0, a4: f64 = 0): void {
  let text = "trace: " + message;
  if (n > 0) text += " " + a0.toString();
  if (n > 1) text += " " + a1.toString();
  if (n > 2) text += " " + a2.toString();
  if (n > 3) text += " " + a3.toString();
  if (n > 4) text += " " + a4.toString();
  const bytes = String.UTF8.encode(text);
  proxy_log(<u32>LogLevel.Debug, changetype<usize>(bytes), <usize>bytes.byteLength);
}
