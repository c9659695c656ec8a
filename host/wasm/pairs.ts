/**
 * The proxy-wasm pairs codec (ABI reference §5.1), used for header maps, local-response and
 * http_call headers, and map-valued properties:
 *
 *   u32 N | N × (u32 key_len, u32 value_len) | N × (key bytes, NUL, value bytes, NUL)
 *
 * Keys and values are bytes, carried as latin1 strings (byte-preserving). Parsing is strict, as
 * in proxy-wasm-cpp-host: any malformed buffer, or one over the limits, decodes as an empty list.
 */

/** proxy-wasm-cpp-host limits (include/proxy-wasm/limits.h). */
export const PAIRS_MAX_BYTES = 1 << 20;
/** Most pairs a serialized map may hold. */
export const PAIRS_MAX_COUNT = 1024;

/** Serialized size of a flat [k0, v0, k1, v1, ...] list (latin1 strings). */
export function pairsSize(flat: readonly string[]): number {
  let n = 4;
  for (let i = 0; i < flat.length; i += 2) n += 10 + flat[i]!.length + flat[i + 1]!.length;
  return n;
}

/** Writes the serialization of `flat` into `out` at `at` (pairsSize(flat) bytes). */
export function writePairs(flat: readonly string[], out: Buffer, at: number): void {
  const count = flat.length >> 1;
  out.writeUInt32LE(count, at);
  let lens = at + 4;
  let data = lens + count * 8;
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i]!;
    const v = flat[i + 1]!;
    out.writeUInt32LE(k.length, lens);
    out.writeUInt32LE(v.length, lens + 4);
    lens += 8;
    data += out.latin1Write(k, data, k.length);
    out[data++] = 0;
    data += out.latin1Write(v, data, v.length);
    out[data++] = 0;
  }
}

/** Serializes pairs into a new Buffer. */
export function encodePairs(pairs: Iterable<readonly [string, string]>): Buffer {
  const flat: string[] = [];
  for (const [k, v] of pairs) flat.push(k, v);
  const out = Buffer.allocUnsafe(pairsSize(flat));
  writePairs(flat, out, 0);
  return out;
}

/** Parses a pairs buffer into a flat [k, v, ...] list; malformed or oversized → []. */
export function decodePairsFlat(buf: Uint8Array): string[] {
  if (buf.length < 4 || buf.length > PAIRS_MAX_BYTES) return [];
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const count = b.readUInt32LE(0);
  if (count > PAIRS_MAX_COUNT || 4 + count * 8 > b.length) return [];
  const out: string[] = new Array(count * 2);
  let data = 4 + count * 8;
  for (let i = 0; i < count; i++) {
    const klen = b.readUInt32LE(4 + i * 8);
    const vlen = b.readUInt32LE(8 + i * 8);
    if (data + klen + vlen + 2 > b.length) return [];
    out[2 * i] = b.latin1Slice(data, data + klen);
    data += klen;
    if (b[data++] !== 0) return [];
    out[2 * i + 1] = b.latin1Slice(data, data + vlen);
    data += vlen;
    if (b[data++] !== 0) return [];
  }
  return data === b.length ? out : [];
}

/** Parses a pairs buffer into [key, value] tuples; malformed → []. */
export function decodePairs(buf: Uint8Array): [string, string][] {
  const flat = decodePairsFlat(buf);
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}
