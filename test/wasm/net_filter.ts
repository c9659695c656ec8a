// Network (L4) filter test module, driven by its plugin configuration (one word):
//   "upper"  client bytes upper-cased (replace-all), upstream bytes get "!" appended (append)
//   "hold10" client bytes held (StopIteration) until 10 or more are buffered
//   "deny:<prefix>" connections whose source.address starts with <prefix> are closed at once
//   "props"  logs connection.* properties (warn level) on the first client bytes
//   "resume" stops client bytes but continues them (proxy_continue_stream DOWNSTREAM) in the same
//            callback; logs what continuing UPSTREAM returns
//   "trap"   traps on client bytes
// Every mode logs "close <kind> <peer>" from the close callbacks at warn level.
import {
  OUT, bytes, ptr, malloc, takeString, proxy_set_buffer_bytes, proxy_get_property, proxy_close_stream, proxy_continue_stream,
} from "./_abi";
import { mode, readBuffer, warn } from "./_net";
export { proxy_on_context_create, proxy_on_vm_start, proxy_on_configure } from "./_net";

export { malloc };
export function proxy_abi_version_0_2_1(): void {}

function prop(name: string): string {
  const b = bytes(name);
  if (proxy_get_property(ptr(b), b.byteLength, OUT, OUT + 4) != 0) return "<none>";
  return takeString();
}

function propBool(name: string): string {
  const b = bytes(name);
  if (proxy_get_property(ptr(b), b.byteLength, OUT, OUT + 4) != 0) return "<none>";
  const p = load<u32>(OUT);
  const n = load<u32>(OUT + 4);
  if (n == 0) return "<empty>";
  const v = load<u8>(p);
  heap.free(p);
  return v != 0 ? "true" : "false";
}

function replace(t: i32, start: u32, size: u32, s: string): void {
  const b = bytes(s);
  proxy_set_buffer_bytes(t, start, size, ptr(b), b.byteLength);
}

export function proxy_on_new_connection(ctx: u32): u32 {
  if (mode.startsWith("deny:")) {
    const src = prop("source.address");
    if (src.startsWith(mode.slice(5))) {
      warn("deny " + src);
      proxy_close_stream(2);
      return 1;
    }
  }
  return 0;
}

export function proxy_on_downstream_data(ctx: u32, size: u32, eos: u32): u32 {
  if (mode == "upper") {
    const s = readBuffer(2, size);
    replace(2, 0, size, s.toUpperCase());
    return 0;
  }
  if (mode == "hold10") {
    if (size < 10) return 1;
    warn("released " + size.toString());
    return 0;
  }
  if (mode == "trap") unreachable();
  if (mode == "resume") {
    warn("continue upstream -> " + proxy_continue_stream(3).toString());
    proxy_continue_stream(2);
    return 1;
  }
  if (mode == "props") {
    warn("props mtls=" + propBool("connection.mtls") + " sni=" + prop("connection.requested_server_name") +
      " version=" + prop("connection.tls_version") + " subject=" + prop("connection.subject_peer_certificate") +
      " uri=" + prop("connection.uri_san_peer_certificate") + " dns=" + prop("connection.dns_san_peer_certificate") +
      " sha=" + prop("connection.sha256_peer_certificate_digest").length.toString() +
      " local=" + prop("connection.subject_local_certificate"));
  }
  return 0;
}

export function proxy_on_upstream_data(ctx: u32, size: u32, eos: u32): u32 {
  if (mode == "upper" && size > 0) replace(3, 0xffffffff, 0, "!");
  return 0;
}

export function proxy_on_downstream_connection_close(ctx: u32, peer: u32): void {
  warn("close downstream " + peer.toString());
}

export function proxy_on_upstream_connection_close(ctx: u32, peer: u32): void {
  warn("close upstream " + peer.toString());
}

export function proxy_on_done(ctx: u32): u32 { return 1; }
