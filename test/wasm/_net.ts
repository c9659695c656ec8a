// What the network filter test modules (net_*.ts) share: the root lifecycle (the plugin
// configuration, one word, becomes `mode`), their warn-level log lines, which the tests look
// for, and reading a host buffer as a string. Not an entry point: modules re-export the
// proxy_on_* functions they take from here.
import { OUT, bytes, ptr, takeString, proxy_log, proxy_get_buffer_bytes } from "./_abi";

/** Logs `s` at warn level (3), the level the network tests read from the gateway log. */
export function warn(s: string): void {
  const b = bytes(s);
  proxy_log(3, ptr(b), b.byteLength);
}

/** The first `size` bytes of host buffer `t` as a string; "" when the host refuses. */
export function readBuffer(t: i32, size: u32): string {
  if (proxy_get_buffer_bytes(t, 0, size, OUT, OUT + 4) != 0) return "";
  return takeString();
}

/** The plugin configuration, set by proxy_on_configure; each module reads it as its mode word. */
export let mode = "";

export function proxy_on_context_create(ctx: u32, parent: u32): void {}
export function proxy_on_vm_start(ctx: u32, size: u32): u32 { return 1; }
export function proxy_on_configure(ctx: u32, size: u32): u32 {
  mode = readBuffer(7, size);
  return 1;
}
