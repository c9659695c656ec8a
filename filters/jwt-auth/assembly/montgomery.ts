/**
 * Modular exponentiation for RSA public-key operations, in pure AssemblyScript: Montgomery
 * multiplication (CIOS) over 32-bit limbs. Only what signature *verification* needs: the
 * exponent is public, so no constant-time care is taken. Numbers are little-endian limb arrays.
 */

/** A modulus prepared once (per configured key) for repeated exponentiations. */
export class Modulus {
  /** Limbs of n, little-endian. */
  readonly n: Uint32Array;
  /** -n⁻¹ mod 2³². */
  readonly n0inv: u32;
  /** R² mod n, R = 2^(32·k): converts a number into Montgomery form. */
  readonly r2: Uint32Array;
  /** Byte length of n (the signature length RSA requires). */
  readonly byteLength: i32;
  /** Scratch of k + 2 limbs for montMul (calls never overlap: wasm is single-threaded). */
  readonly scratch: Uint32Array;

  constructor(n: Uint32Array, byteLength: i32) {
    this.n = n;
    this.byteLength = byteLength;
    this.scratch = new Uint32Array(n.length + 2);
    // Newton iteration doubles the correct low bits each step: 1 → 2 → 4 → … → 32 bits.
    const n0 = unchecked(n[0]);
    let inv: u32 = 1;
    for (let i = 0; i < 5; i++) inv = inv * (2 - n0 * inv);
    this.n0inv = 0 - inv;
    this.r2 = r2Of(n);
  }
}

/** Big-endian bytes → limbs (leading zero bytes ignored); null when it needs more than `k` limbs. */
export function limbsOf(bytes: Uint8Array, k: i32): Uint32Array | null {
  let start = 0;
  while (start < bytes.length && unchecked(bytes[start]) == 0) start++;
  if (((bytes.length - start) + 3) >> 2 > k) return null;
  const out = new Uint32Array(k);
  for (let i = bytes.length - 1, bit = 0; i >= start; i--, bit += 8) {
    unchecked(out[bit >> 5] |= <u32>unchecked(bytes[i]) << <u32>(bit & 31));
  }
  return out;
}

/** Limbs → big-endian bytes of exactly `len` bytes (high limbs beyond `len` are dropped). */
export function bytesOfLimbs(limbs: Uint32Array, len: i32): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const bit = i << 3;
    const limb = bit >> 5;
    if (limb < limbs.length) unchecked(out[len - 1 - i] = <u8>(unchecked(limbs[limb]) >> <u32>(bit & 31)));
  }
  return out;
}

/** a < b, both k limbs. */
export function lessThan(a: Uint32Array, b: Uint32Array): bool {
  const ap = a.dataStart, bp = b.dataStart;
  for (let i = a.length - 1; i >= 0; i--) {
    const x = load<u32>(ap + (<usize>i << 2)), y = load<u32>(bp + (<usize>i << 2));
    if (x != y) return x < y;
  }
  return false;
}

/** a -= b in place (k limbs); returns the borrow. */
function subInPlace(a: Uint32Array, b: Uint32Array): u32 {
  const ap = a.dataStart, bp = b.dataStart;
  let borrow: u64 = 0;
  for (let i = 0; i < a.length; i++) {
    const at = ap + (<usize>i << 2);
    const d = <u64>load<u32>(at) - <u64>load<u32>(bp + (<usize>i << 2)) - borrow;
    store<u32>(at, <u32>d);
    borrow = (d >> 63) & 1;
  }
  return <u32>borrow;
}

/** R² mod n by doubling 1 modulo n, 2·32·k times (once per key, at configure time). */
function r2Of(n: Uint32Array): Uint32Array {
  const k = n.length;
  const x = new Uint32Array(k);
  x[0] = 1;
  const steps = 64 * k;
  for (let s = 0; s < steps; s++) {
    let carry: u32 = 0;
    for (let i = 0; i < k; i++) {
      const v = unchecked(x[i]);
      unchecked(x[i] = (v << 1) | carry);
      carry = v >>> 31;
    }
    if (carry != 0 || !lessThan(x, n)) subInPlace(x, n);
  }
  return x;
}

/**
 * Montgomery product a·b·R⁻¹ mod n (CIOS) written into `out`. a, b < n, k limbs each; `out`
 * may be `a` or `b` (it is written only after both were read).
 */
export function montMulInto(out: Uint32Array, a: Uint32Array, b: Uint32Array, m: Modulus): void {
  // Raw loads: typed-array indexing costs a call per access once fuel probes are added.
  const n = m.n.dataStart;
  const k = m.n.length;
  const t = m.scratch.dataStart;
  const ap = a.dataStart;
  const bp = b.dataStart;
  memory.fill(t, 0, <usize>(k + 2) << 2);
  const tk = t + (<usize>k << 2);
  const n0inv = m.n0inv;
  for (let i = 0; i < k; i++) {
    const bi = <u64>load<u32>(bp + (<usize>i << 2));
    let c: u64 = 0;
    for (let j = 0; j < k; j++) {
      const tj = t + (<usize>j << 2);
      const s = <u64>load<u32>(tj) + <u64>load<u32>(ap + (<usize>j << 2)) * bi + c;
      store<u32>(tj, <u32>s);
      c = s >> 32;
    }
    let s = <u64>load<u32>(tk) + c;
    store<u32>(tk, <u32>s);
    store<u32>(tk + 4, <u32>(s >> 32));
    // Typed local: the product must wrap at 32 bits (a u64 context would widen the load).
    const t0: u32 = load<u32>(t);
    const q = <u64>(t0 * n0inv);
    s = <u64>load<u32>(t) + q * <u64>load<u32>(n);
    c = s >> 32;
    for (let j = 1; j < k; j++) {
      const tj = t + (<usize>j << 2);
      s = <u64>load<u32>(tj) + q * <u64>load<u32>(n + (<usize>j << 2)) + c;
      store<u32>(tj - 4, <u32>s);
      c = s >> 32;
    }
    s = <u64>load<u32>(tk) + c;
    store<u32>(tk - 4, <u32>s);
    store<u32>(tk, load<u32>(tk + 4) + <u32>(s >> 32));
  }
  memory.copy(out.dataStart, t, <usize>k << 2);
  if (load<u32>(tk) != 0 || !lessThan(out, m.n)) subInPlace(out, m.n);
}

/** Montgomery product a·b·R⁻¹ mod n as a new number. */
export function montMul(a: Uint32Array, b: Uint32Array, m: Modulus): Uint32Array {
  const out = new Uint32Array(m.n.length);
  montMulInto(out, a, b, m);
  return out;
}

/** base^exp mod n; `exp` big-endian bytes (public exponent), `base` < n. */
export function modPow(base: Uint32Array, exp: Uint8Array, m: Modulus): Uint32Array {
  const k = m.n.length;
  const one = new Uint32Array(k);
  one[0] = 1;
  const bm = montMul(base, m.r2, m); // base in Montgomery form
  const acc = montMul(one, m.r2, m); // 1 in Montgomery form
  for (let i = 0; i < exp.length; i++) {
    const byte = unchecked(exp[i]);
    for (let bit = 7; bit >= 0; bit--) {
      montMulInto(acc, acc, acc, m);
      if (((byte >> <u8>bit) & 1) != 0) montMulInto(acc, acc, bm, m);
    }
  }
  montMulInto(acc, acc, one, m);
  return acc;
}
