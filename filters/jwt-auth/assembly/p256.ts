/**
 * The P-256 curve (FIPS 186-4 §D.1.2.3, y² = x³ − 3x + b) for ES256 verification in pure
 * AssemblyScript: field arithmetic mod p in Montgomery form (montgomery.ts) and Jacobian point
 * doubling / addition done in place on preallocated temporaries, so one verification allocates
 * almost nothing. Only public data passes through here: no constant-time care is taken.
 */
import { Modulus, lessThan, limbsOf, montMulInto } from "./montgomery";

const P_HEX = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
const N_HEX = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";
const B_HEX = "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b";
const GX_HEX = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
const GY_HEX = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>I32.parseInt(hex.substr(i << 1, 2), 16);
  return out;
}

/** Whether every limb is 0. */
export function isZero(a: Uint32Array): bool {
  const p = a.dataStart;
  for (let i = 0; i < a.length; i++) if (load<u32>(p + (<usize>i << 2)) != 0) return false;
  return true;
}

/** Limb-wise equality. */
export function equal(a: Uint32Array, b: Uint32Array): bool {
  for (let i = 0; i < a.length; i++) if (unchecked(a[i]) != unchecked(b[i])) return false;
  return true;
}

/** a −= b over the limbs, ignoring the final borrow (callers know a ≥ b, or want mod 2^256). */
export function subFrom(a: Uint32Array, b: Uint32Array): void {
  const ap = a.dataStart, bp = b.dataStart;
  let borrow: u64 = 0;
  for (let i = 0; i < a.length; i++) {
    const at = ap + (<usize>i << 2);
    const d = <u64>load<u32>(at) - <u64>load<u32>(bp + (<usize>i << 2)) - borrow;
    store<u32>(at, <u32>d);
    borrow = (d >> 63) & 1;
  }
}

/** A point in Jacobian coordinates (Montgomery-form field elements); Z = 0 is infinity. */
export class Point {
  x: Uint32Array = new Uint32Array(8);
  y: Uint32Array = new Uint32Array(8);
  z: Uint32Array = new Uint32Array(8);

  /** Copies `o` into this point. */
  copyFrom(o: Point): void {
    this.x.set(o.x);
    this.y.set(o.y);
    this.z.set(o.z);
  }
}

/** The curve: moduli, constants, and scratch for the point formulas. */
export class P256 {
  readonly p: Modulus;
  readonly n: Modulus;
  /** p − 2 and n − 2, big-endian: Fermat inversion exponents. */
  readonly pMinus2: Uint8Array;
  readonly nMinus2: Uint8Array;
  /** 1 in normal form, 1 and b in Montgomery form. */
  readonly one: Uint32Array;
  readonly oneM: Uint32Array;
  readonly bM: Uint32Array;
  /** The generator. */
  readonly g: Point;
  private readonly t: Array<Uint32Array>;

  constructor() {
    const p = new Modulus(limbsOf(hexBytes(P_HEX), 8)!, 32);
    this.p = p;
    this.n = new Modulus(limbsOf(hexBytes(N_HEX), 8)!, 32);
    const pm2 = hexBytes(P_HEX);
    pm2[31] -= 2; // p ends in 0xff, n in 0x51: no borrow
    this.pMinus2 = pm2;
    const nm2 = hexBytes(N_HEX);
    nm2[31] -= 2;
    this.nMinus2 = nm2;
    const one = new Uint32Array(8);
    one[0] = 1;
    this.one = one;
    const oneM = new Uint32Array(8);
    montMulInto(oneM, one, p.r2, p);
    this.oneM = oneM;
    const bM = new Uint32Array(8);
    montMulInto(bM, limbsOf(hexBytes(B_HEX), 8)!, p.r2, p);
    this.bM = bM;
    const g = new Point();
    montMulInto(g.x, limbsOf(hexBytes(GX_HEX), 8)!, p.r2, p);
    montMulInto(g.y, limbsOf(hexBytes(GY_HEX), 8)!, p.r2, p);
    g.z.set(oneM);
    this.g = g;
    const t = new Array<Uint32Array>(10);
    for (let i = 0; i < 10; i++) t[i] = new Uint32Array(8);
    this.t = t;
  }

  /** out = a·b (Montgomery form). `out` may alias an input. */
  mul(out: Uint32Array, a: Uint32Array, b: Uint32Array): void {
    montMulInto(out, a, b, this.p);
  }

  /** out = a + b mod p. `out` may alias an input. */
  add(out: Uint32Array, a: Uint32Array, b: Uint32Array): void {
    const o = out.dataStart, ap = a.dataStart, bp = b.dataStart;
    let c: u64 = 0;
    for (let i: usize = 0; i < 32; i += 4) {
      const s = <u64>load<u32>(ap + i) + <u64>load<u32>(bp + i) + c;
      store<u32>(o + i, <u32>s);
      c = s >> 32;
    }
    if (c != 0 || !lessThan(out, this.p.n)) subFrom(out, this.p.n);
  }

  /** out = a − b mod p. `out` may alias an input. */
  sub(out: Uint32Array, a: Uint32Array, b: Uint32Array): void {
    const o = out.dataStart, ap = a.dataStart, bp = b.dataStart;
    let borrow: u64 = 0;
    for (let i: usize = 0; i < 32; i += 4) {
      const d = <u64>load<u32>(ap + i) - <u64>load<u32>(bp + i) - borrow;
      store<u32>(o + i, <u32>d);
      borrow = (d >> 63) & 1;
    }
    if (borrow == 0) return;
    const pp = this.p.n.dataStart;
    let c: u64 = 0;
    for (let i: usize = 0; i < 32; i += 4) {
      const s = <u64>load<u32>(o + i) + <u64>load<u32>(pp + i) + c;
      store<u32>(o + i, <u32>s);
      c = s >> 32;
    }
  }

  /** Whether affine (x, y), Montgomery form, lies on the curve. */
  onCurve(xm: Uint32Array, ym: Uint32Array): bool {
    const t = this.t;
    this.mul(t[0], xm, xm);
    this.mul(t[0], t[0], xm); // x³
    this.add(t[1], xm, xm);
    this.add(t[1], t[1], xm); // 3x
    this.sub(t[0], t[0], t[1]);
    this.add(t[0], t[0], this.bM);
    this.mul(t[2], ym, ym);
    return equal(t[0], t[2]);
  }

  /** q = 2q in place (dbl-2001-b, a = −3). */
  double(q: Point): void {
    if (isZero(q.z)) return;
    const t = this.t;
    this.mul(t[0], q.z, q.z); // delta
    this.mul(t[1], q.y, q.y); // gamma
    this.mul(t[2], q.x, t[1]); // beta
    this.sub(t[3], q.x, t[0]);
    this.add(t[4], q.x, t[0]);
    this.mul(t[3], t[3], t[4]);
    this.add(t[4], t[3], t[3]);
    this.add(t[4], t[4], t[3]); // alpha = 3(x − delta)(x + delta)
    this.add(t[5], t[2], t[2]);
    this.add(t[5], t[5], t[5]); // 4 beta
    this.mul(t[6], t[4], t[4]);
    this.add(t[7], t[5], t[5]);
    this.sub(t[6], t[6], t[7]); // X3 = alpha² − 8 beta
    this.add(t[7], q.y, q.z);
    this.mul(t[7], t[7], t[7]);
    this.sub(t[7], t[7], t[1]);
    this.sub(t[7], t[7], t[0]); // Z3 = (y + z)² − gamma − delta
    this.sub(t[8], t[5], t[6]);
    this.mul(t[8], t[4], t[8]);
    this.mul(t[9], t[1], t[1]);
    this.add(t[9], t[9], t[9]);
    this.add(t[9], t[9], t[9]);
    this.add(t[9], t[9], t[9]); // 8 gamma²
    this.sub(t[8], t[8], t[9]); // Y3 = alpha (4 beta − X3) − 8 gamma²
    q.x.set(t[6]);
    q.y.set(t[8]);
    q.z.set(t[7]);
  }

  /** a = a + b in place (add-2007-bl); b is another point object. */
  addTo(a: Point, b: Point): void {
    if (isZero(b.z)) return;
    if (isZero(a.z)) {
      a.copyFrom(b);
      return;
    }
    const t = this.t;
    this.mul(t[0], a.z, a.z); // z1z1
    this.mul(t[1], b.z, b.z); // z2z2
    this.mul(t[2], a.x, t[1]); // u1
    this.mul(t[3], b.x, t[0]); // u2
    this.mul(t[4], a.y, b.z);
    this.mul(t[4], t[4], t[1]); // s1
    this.mul(t[5], b.y, a.z);
    this.mul(t[5], t[5], t[0]); // s2
    this.sub(t[3], t[3], t[2]); // h
    this.sub(t[5], t[5], t[4]); // s2 − s1
    if (isZero(t[3])) {
      if (isZero(t[5])) this.double(a);
      else a.z.fill(0); // a = −b: infinity
      return;
    }
    this.add(t[6], t[3], t[3]);
    this.mul(t[6], t[6], t[6]); // i = (2h)²
    this.mul(t[7], t[3], t[6]); // j = h·i
    this.add(t[5], t[5], t[5]); // r = 2 (s2 − s1)
    this.mul(t[8], t[2], t[6]); // v = u1·i
    this.mul(t[9], t[5], t[5]);
    this.sub(t[9], t[9], t[7]);
    this.add(t[6], t[8], t[8]);
    this.sub(t[9], t[9], t[6]); // X3 = r² − j − 2v
    this.sub(t[8], t[8], t[9]);
    this.mul(t[8], t[5], t[8]);
    this.mul(t[4], t[4], t[7]);
    this.add(t[4], t[4], t[4]);
    this.sub(t[8], t[8], t[4]); // Y3 = r (v − X3) − 2 s1 j
    this.add(t[6], a.z, b.z);
    this.mul(t[6], t[6], t[6]);
    this.sub(t[6], t[6], t[0]);
    this.sub(t[6], t[6], t[1]);
    this.mul(t[6], t[6], t[3]); // Z3 = ((z1 + z2)² − z1z1 − z2z2) h
    a.x.set(t[9]);
    a.y.set(t[8]);
    a.z.set(t[6]);
  }
}
