/**
 * ES256 (ECDSA over P-256 with SHA-256, FIPS 186-4 §6.4; JOSE signature r ‖ s, RFC 7518 §3.4)
 * verification in pure AssemblyScript: the fallback for hosts without `sluice.crypto.verify`.
 */
import { sha256 } from "sdk/assembly";
import { lessThan, limbsOf, modPow, montMul, montMulInto } from "./montgomery";
import { P256, Point, equal, isZero, subFrom } from "./p256";

/** A P-256 public key, checked to lie on the curve, with G + Q precomputed. */
export class EcPublicKey {
  constructor(public curve: P256, public q: Point, public gPlusQ: Point) {}
}

/** Prepares the public point (x, y as 32-byte big-endian); null when it is not on the curve. */
export function ecPublicKey(curve: P256, x: Uint8Array, y: Uint8Array): EcPublicKey | null {
  if (x.length != 32 || y.length != 32) return null;
  const xl = limbsOf(x, 8), yl = limbsOf(y, 8);
  const p = curve.p;
  if (xl === null || yl === null || !lessThan(xl, p.n) || !lessThan(yl, p.n)) return null;
  const q = new Point();
  montMulInto(q.x, xl, p.r2, p);
  montMulInto(q.y, yl, p.r2, p);
  q.z.set(curve.oneM);
  if (!curve.onCurve(q.x, q.y)) return null;
  const gq = new Point();
  gq.copyFrom(curve.g);
  curve.addTo(gq, q);
  return new EcPublicKey(curve, q, gq);
}

function bit(a: Uint32Array, i: i32): bool {
  return ((unchecked(a[i >> 5]) >> <u32>(i & 31)) & 1) != 0;
}

/** a·b mod n for a, b < n in normal form. */
function mulModN(c: P256, a: Uint32Array, b: Uint32Array): Uint32Array {
  const t = montMul(a, b, c.n);
  montMulInto(t, t, c.n.r2, c.n);
  return t;
}

/** Whether `signature` (r ‖ s, 64 bytes) is a valid ES256 signature of `data` under `key`. */
export function verifyEs256(key: EcPublicKey, data: Uint8Array, signature: Uint8Array): bool {
  if (signature.length != 64) return false;
  const c = key.curve;
  const r = limbsOf(signature.subarray(0, 32), 8)!;
  const s = limbsOf(signature.subarray(32, 64), 8)!;
  if (isZero(r) || isZero(s) || !lessThan(r, c.n.n) || !lessThan(s, c.n.n)) return false;
  const e = limbsOf(sha256(data), 8)!;
  if (!lessThan(e, c.n.n)) subFrom(e, c.n.n);
  const w = modPow(s, c.nMinus2, c.n);
  const u1 = mulModN(c, e, w);
  const u2 = mulModN(c, r, w);
  // Shamir's trick: one pass of doublings computes u1·G + u2·Q.
  const acc = new Point(); // z = 0: infinity
  for (let i = 255; i >= 0; i--) {
    c.double(acc);
    const b1 = bit(u1, i), b2 = bit(u2, i);
    if (b1 && b2) c.addTo(acc, key.gPlusQ);
    else if (b1) c.addTo(acc, c.g);
    else if (b2) c.addTo(acc, key.q);
  }
  if (isZero(acc.z)) return false;
  // Affine x = X / Z² (normal form), then reduced mod n and compared with r.
  const z = montMul(acc.z, c.one, c.p);
  const zInv = modPow(z, c.pMinus2, c.p);
  montMulInto(zInv, zInv, c.p.r2, c.p); // to Montgomery form
  c.mul(zInv, zInv, zInv);
  c.mul(zInv, acc.x, zInv);
  const x = montMul(zInv, c.one, c.p);
  if (!lessThan(x, c.n.n)) subFrom(x, c.n.n);
  return equal(x, r);
}
