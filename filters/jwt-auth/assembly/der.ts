/**
 * Just enough PEM and ASN.1 DER to read a public key: SubjectPublicKeyInfo ("BEGIN PUBLIC
 * KEY", RSA or EC P-256 uncompressed point) and PKCS#1 RSAPublicKey ("BEGIN RSA PUBLIC KEY"),
 * for the pure-AssemblyScript verification paths. Every reader returns null on malformed input.
 */
import { base64Decode } from "sdk/assembly";

const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_OID: u8 = 0x06;
const TAG_SEQUENCE: u8 = 0x30;

// OID contents (without tag and length).
const OID_RSA: StaticArray<u8> = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: StaticArray<u8> = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/** Kind of a parsed public key. */
export enum PublicKeyKind {
  Rsa = 1,
  EcP256 = 2,
}

/**
 * A public key read from PEM: its kind, and its numbers as big-endian bytes: for RSA `a` is the
 * modulus and `b` the exponent; for P-256 they are the point's x and y.
 */
export class PublicKeyInfo {
  constructor(public kind: PublicKeyKind, public a: Uint8Array, public b: Uint8Array) {}
}

/** One DER element: tag, and where its contents lie in the input. */
class Element {
  constructor(public tag: u8, public start: i32, public end: i32) {}
}

/** Reads the element at `pos` (definite lengths only, as DER requires). */
function readElement(d: Uint8Array, pos: i32, limit: i32): Element | null {
  if (pos + 2 > limit) return null;
  const tag = d[pos];
  let len = <i32>d[pos + 1];
  let p = pos + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count == 0 || count > 3 || p + count > limit) return null;
    len = 0;
    for (let i = 0; i < count; i++) len = (len << 8) | <i32>d[p++];
  }
  if (p + len > limit) return null;
  return new Element(tag, p, p + len);
}

function sameBytes(d: Uint8Array, e: Element, want: StaticArray<u8>): bool {
  if (e.end - e.start != want.length) return false;
  for (let i = 0; i < want.length; i++) if (d[e.start + i] != want[i]) return false;
  return true;
}

/** PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }. */
function rsaPublicKey(d: Uint8Array, start: i32, end: i32): PublicKeyInfo | null {
  const seq = readElement(d, start, end);
  if (seq === null || seq.tag != TAG_SEQUENCE) return null;
  const n = readElement(d, seq.start, seq.end);
  if (n === null || n.tag != TAG_INTEGER) return null;
  const e = readElement(d, n.end, seq.end);
  if (e === null || e.tag != TAG_INTEGER) return null;
  return new PublicKeyInfo(PublicKeyKind.Rsa, d.slice(n.start, n.end), d.slice(e.start, e.end));
}

/** SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID alg, params }, BIT STRING key }. */
function subjectPublicKeyInfo(d: Uint8Array): PublicKeyInfo | null {
  const spki = readElement(d, 0, d.length);
  if (spki === null || spki.tag != TAG_SEQUENCE) return null;
  const alg = readElement(d, spki.start, spki.end);
  if (alg === null || alg.tag != TAG_SEQUENCE) return null;
  const oid = readElement(d, alg.start, alg.end);
  if (oid === null || oid.tag != TAG_OID) return null;
  const bits = readElement(d, alg.end, spki.end);
  if (bits === null || bits.tag != TAG_BIT_STRING || bits.end - bits.start < 2 || d[bits.start] != 0) return null;
  if (sameBytes(d, oid, OID_RSA)) return rsaPublicKey(d, bits.start + 1, bits.end);
  if (sameBytes(d, oid, OID_EC)) {
    const curve = readElement(d, oid.end, alg.end);
    if (curve === null || curve.tag != TAG_OID || !sameBytes(d, curve, OID_P256)) return null;
    // Uncompressed point: 0x04 ‖ X ‖ Y, 32 bytes each.
    if (bits.end - bits.start != 66 || d[bits.start + 1] != 4) return null;
    const x = bits.start + 2;
    return new PublicKeyInfo(PublicKeyKind.EcP256, d.slice(x, x + 32), d.slice(x + 32, x + 64));
  }
  return null;
}

/** Base64 body of the PEM block labelled `label`, or null. */
function pemBody(pem: string, label: string): string | null {
  const begin = "-----BEGIN " + label + "-----";
  const end = "-----END " + label + "-----";
  const b = pem.indexOf(begin);
  if (b < 0) return null;
  const e = pem.indexOf(end, b + begin.length);
  if (e < 0) return null;
  const body = pem.substring(b + begin.length, e);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c != 10 && c != 13 && c != 32 && c != 9) out += String.fromCharCode(c);
  }
  return out;
}

/** Parses a PEM public key (SPKI RSA / EC P-256, or PKCS#1 RSA); null when unsupported. */
export function parsePublicKeyPem(pem: string): PublicKeyInfo | null {
  const spki = pemBody(pem, "PUBLIC KEY");
  if (spki !== null) {
    const der = base64Decode(spki);
    return der === null ? null : subjectPublicKeyInfo(der);
  }
  const pkcs1 = pemBody(pem, "RSA PUBLIC KEY");
  if (pkcs1 !== null) {
    const der = base64Decode(pkcs1);
    return der === null ? null : rsaPublicKey(der, 0, der.length);
  }
  return null;
}
