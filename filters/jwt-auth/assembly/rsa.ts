/**
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 8017 §8.2.2) verification in pure AssemblyScript:
 * the fallback for hosts without the `sluice.crypto.verify` foreign function. A 2048-bit check
 * is 17 Montgomery products of 64 limbs, well inside a callback's budget.
 */
import { constantTimeEqual, sha256 } from "sdk/assembly";
import { Modulus, bytesOfLimbs, lessThan, limbsOf, modPow } from "./montgomery";

// DER prefix of DigestInfo { sha256, NULL } before the 32-byte hash (RFC 8017 §9.2 note 1).
const SHA256_PREFIX: StaticArray<u8> = [
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
];

/** An RSA public key ready for verification (modulus prepared once). */
export class RsaPublicKey {
  constructor(public modulus: Modulus, public exponent: Uint8Array) {}
}

/**
 * Prepares (n, e) given as big-endian bytes; null when the modulus is even, shorter than 2048
 * bits (RFC 7518 §3.3) or longer than 8192 bits, or the exponent is empty.
 */
export function rsaPublicKey(n: Uint8Array, e: Uint8Array): RsaPublicKey | null {
  let start = 0;
  while (start < n.length && n[start] == 0) start++;
  const byteLength = n.length - start;
  if (byteLength < 256 || byteLength > 1024 || (n[n.length - 1] & 1) == 0) return null;
  let eStart = 0;
  while (eStart < e.length && e[eStart] == 0) eStart++;
  if (eStart == e.length) return null;
  const limbs = limbsOf(n, (byteLength + 3) >> 2);
  if (limbs === null) return null;
  return new RsaPublicKey(new Modulus(limbs, byteLength), e.slice(eStart));
}

/** Whether `signature` is a valid RS256 signature of `data` under `key`. */
export function verifyRs256(key: RsaPublicKey, data: Uint8Array, signature: Uint8Array): bool {
  const m = key.modulus;
  if (signature.length != m.byteLength) return false;
  const s = limbsOf(signature, m.n.length);
  if (s === null || !lessThan(s, m.n)) return false;
  const em = bytesOfLimbs(modPow(s, key.exponent, m), m.byteLength);
  // EM = 0x00 0x01 FF…FF 0x00 ‖ DigestInfo ‖ H(data): rebuild it and compare whole.
  const expected = new Uint8Array(m.byteLength);
  const tLen = SHA256_PREFIX.length + 32;
  const psEnd = m.byteLength - tLen - 1;
  expected[1] = 1;
  for (let i = 2; i < psEnd; i++) unchecked(expected[i] = 0xff);
  for (let i = 0; i < SHA256_PREFIX.length; i++) unchecked(expected[psEnd + 1 + i] = SHA256_PREFIX[i]);
  expected.set(sha256(data), m.byteLength - 32);
  return constantTimeEqual(em, expected);
}
