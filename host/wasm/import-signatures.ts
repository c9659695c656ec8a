/**
 * Import signature check (proxy-wasm-cpp-host refuses a module whose import types differ from
 * the host's). Node does not type-check JS imports, so the type and import sections are read
 * from the binary and compared with the ABI's signatures. Only functions every SDK declares the
 * same way are checked (gRPC calls and the 0.1.0 continue functions vary between SDKs).
 */

/** name → "params>results" with i = i32, j = i64. */
const SIGNATURES: Record<string, string> = {
  proxy_log: 'iii>i', proxy_get_log_level: 'i>i', proxy_get_current_time_nanoseconds: 'i>i',
  proxy_set_tick_period_milliseconds: 'i>i', proxy_set_effective_context: 'i>i', proxy_done: '>i',
  proxy_get_status: 'iii>i', proxy_get_configuration: 'ii>i',
  proxy_get_buffer_bytes: 'iiiii>i', proxy_set_buffer_bytes: 'iiiii>i', proxy_get_buffer_status: 'iii>i',
  proxy_get_header_map_size: 'ii>i', proxy_get_header_map_pairs: 'iii>i', proxy_set_header_map_pairs: 'iii>i',
  proxy_get_header_map_value: 'iiiii>i', proxy_add_header_map_value: 'iiiii>i',
  proxy_replace_header_map_value: 'iiiii>i', proxy_remove_header_map_value: 'iii>i',
  proxy_continue_stream: 'i>i', proxy_close_stream: 'i>i', proxy_send_local_response: 'iiiiiiii>i',
  proxy_http_call: 'iiiiiiiiii>i', proxy_get_shared_data: 'iiiii>i', proxy_set_shared_data: 'iiiii>i',
  proxy_register_shared_queue: 'iii>i', proxy_resolve_shared_queue: 'iiiii>i', proxy_enqueue_shared_queue: 'iii>i',
  proxy_dequeue_shared_queue: 'iii>i', proxy_define_metric: 'iiii>i', proxy_increment_metric: 'ij>i',
  proxy_record_metric: 'ij>i', proxy_get_metric: 'ii>i', proxy_get_property: 'iiii>i', proxy_set_property: 'iiii>i',
  proxy_call_foreign_function: 'iiiiii>i',
};
const VALTYPE: Record<number, string> = { 0x7f: 'i', 0x7e: 'j', 0x7d: 'f', 0x7c: 'd', 0x7b: 'v' };

function leb(b: Uint8Array, p: number): [number, number] {
  let r = 0;
  let shift = 0;
  for (;;) {
    const byte = b[p++]!;
    r += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [r, p];
    shift += 7;
  }
}

/** "module.name" → "params>results" of each imported function, read from the binary. */
export function importSignatures(bytes: Uint8Array): Map<string, string> {
  const types: string[] = [];
  const out = new Map<string, string>();
  const dec = new TextDecoder();
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const [size, body] = leb(bytes, pos + 1);
    let p = body;
    if (id === 1) {
      let n: number;
      [n, p] = leb(bytes, p);
      for (let i = 0; i < n; i++) {
        if (bytes[p++] !== 0x60) return out; // not a plain function type (GC proposals): skip the check
        let np: number;
        [np, p] = leb(bytes, p);
        let sig = '';
        for (let k = 0; k < np; k++) sig += VALTYPE[bytes[p++]!] ?? '?';
        sig += '>';
        let nr: number;
        [nr, p] = leb(bytes, p);
        for (let k = 0; k < nr; k++) sig += VALTYPE[bytes[p++]!] ?? '?';
        types.push(sig);
      }
    } else if (id === 2) {
      let n: number;
      [n, p] = leb(bytes, p);
      for (let i = 0; i < n; i++) {
        let len: number;
        [len, p] = leb(bytes, p);
        const mod = dec.decode(bytes.subarray(p, p + len));
        p += len;
        [len, p] = leb(bytes, p);
        const name = dec.decode(bytes.subarray(p, p + len));
        p += len;
        const kind = bytes[p++]!;
        if (kind !== 0) return out; // other import kinds are refused elsewhere
        let t: number;
        [t, p] = leb(bytes, p);
        out.set(`${mod}.${name}`, types[t] ?? '?');
      }
      return out;
    }
    pos = body + size;
  }
  return out;
}

/** Throws naming every proxy_* import whose signature differs from the ABI's. */
export function checkImportSignatures(bytes: Uint8Array): void {
  const bad: string[] = [];
  for (const [full, sig] of importSignatures(bytes)) {
    if (!full.startsWith('env.')) continue;
    const want = SIGNATURES[full.slice(4)];
    if (want !== undefined && want !== sig) bad.push(`${full} is (${sig}), the ABI has (${want})`);
  }
  if (bad.length) throw new Error(`import signature mismatch: ${bad.join('; ')}`);
}
