/**
 * The header-map wire format of the ABI (reference §5.1): u32 count, count × (u32 key_len,
 * u32 value_len), then each key and value followed by a NUL. Used for get/set pairs, local
 * responses and http_call headers.
 */

/** One header (or trailer / metadata) entry. Names are lower-case on the host side. */
export class Header {
  /** Creates an entry. */
  constructor(public name: string, public value: string) {}
}

/** Serializes `headers` into the pairs format. An empty list gives 4 zero bytes. */
export function serializePairs(headers: Array<Header>): ArrayBuffer {
  const n = headers.length;
  let size = 4 + n * 8;
  for (let i = 0; i < n; i++) {
    const h = unchecked(headers[i]);
    size += String.UTF8.byteLength(h.name) + String.UTF8.byteLength(h.value) + 2;
  }
  const buf = new ArrayBuffer(size);
  const base = changetype<usize>(buf);
  store<u32>(base, <u32>n);
  let lens = base + 4;
  let data = base + 4 + <usize>n * 8;
  for (let i = 0; i < n; i++) {
    const h = unchecked(headers[i]);
    const k = String.UTF8.encodeUnsafe(changetype<usize>(h.name), h.name.length, data);
    data += k;
    store<u8>(data++, 0);
    const v = String.UTF8.encodeUnsafe(changetype<usize>(h.value), h.value.length, data);
    data += v;
    store<u8>(data++, 0);
    store<u32>(lens, <u32>k);
    store<u32>(lens + 4, <u32>v);
    lens += 8;
  }
  return buf;
}

/**
 * Parses the pairs format. Anything malformed (short, truncated, counts past the end) gives
 * an empty list, as the C++ host does, rather than a trap.
 */
export function deserializePairs(buf: ArrayBuffer): Array<Header> {
  const out = new Array<Header>();
  const size = <usize>buf.byteLength;
  if (size < 4) return out;
  const base = changetype<usize>(buf);
  const n = <usize>load<u32>(base);
  if (n > (size - 4) / 8) return out;
  let lens = base + 4;
  let data = base + 4 + n * 8;
  const end = base + size;
  for (let i: usize = 0; i < n; i++) {
    const k = <usize>load<u32>(lens);
    const v = <usize>load<u32>(lens + 4);
    lens += 8;
    if (data + k + v + 2 > end) return new Array<Header>();
    const name = String.UTF8.decodeUnsafe(data, k);
    data += k + 1;
    const value = String.UTF8.decodeUnsafe(data, v);
    data += v + 1;
    out.push(new Header(name, value));
  }
  return out;
}
