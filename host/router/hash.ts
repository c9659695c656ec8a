/**
 * The 32-bit string hash Sluice uses wherever a request is hashed onto endpoints (route
 * hash_policy here; ring_hash / maglev in the load balancer use the same function so a key lands
 * on the same point on both sides).
 *
 * FNV-1a over the UTF-8 bytes of the string (computed from the UTF-16 code units without
 * encoding into a buffer), finished with murmur3's fmix32 so that every input bit affects every
 * output bit: plain FNV-1a spreads short keys poorly in its high bits, which a hash ring reads.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** One byte into an FNV-1a state. */
function step(h: number, byte: number): number {
  return Math.imul(h ^ byte, FNV_PRIME);
}

/** murmur3's 32-bit finalizer: full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Unsigned 32-bit hash of a string (its UTF-8 bytes). Deterministic across processes and runs. */
export function hashString(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = step(h, c);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate: what UTF-8 encoding writes
    if (c < 0x800) {
      h = step(h, 0xc0 | (c >> 6));
    } else if (c < 0x10000) {
      h = step(h, 0xe0 | (c >> 12));
      h = step(h, 0x80 | ((c >> 6) & 0x3f));
    } else {
      h = step(h, 0xf0 | (c >> 18));
      h = step(h, 0x80 | ((c >> 12) & 0x3f));
      h = step(h, 0x80 | ((c >> 6) & 0x3f));
    }
    h = step(h, 0x80 | (c & 0x3f));
  }
  return fmix32(h);
}

/** Unsigned 32-bit hash of raw bytes; equals hashString(s) for bytes = UTF-8 of s. */
export function hashBytes(b: Uint8Array): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < b.length; i++) h = step(h, b[i]!);
  return fmix32(h);
}

/**
 * Folds the next policy's hash into the running one, as Envoy combines hash policies
 * (rotate left by one, then xor), on 32 bits. Order matters: (a, b) and (b, a) differ.
 */
export function combineHash(acc: number, next: number): number {
  return (((acc << 1) | (acc >>> 31)) ^ next) >>> 0;
}
