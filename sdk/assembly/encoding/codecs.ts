/**
 * Byte encodings filters need for auth headers and tokens: UTF-8 bytes, hex, base64 (standard,
 * RFC 4648 §4) and base64url (§5). Decoders return null on invalid input instead of throwing.
 */

/** UTF-8 bytes of `s`. */
export function bytesOf(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

/** Decodes UTF-8 bytes. */
export function textOf(b: Uint8Array): string {
  return String.UTF8.decodeUnsafe(b.dataStart, <usize>b.length);
}

const HEX = "0123456789abcdef";

/** Lower-case hex of `b`. */
export function toHex(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i++) {
    const v = unchecked(b[i]);
    out += HEX.charAt(v >> 4) + HEX.charAt(v & 15);
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function encode(b: Uint8Array, alphabet: string, pad: bool): string {
  let out = "";
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (<u32>b[i] << 16) | (<u32>b[i + 1] << 8) | <u32>b[i + 2];
    out += alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63) + alphabet.charAt((n >> 6) & 63) + alphabet.charAt(n & 63);
  }
  const rest = b.length - i;
  if (rest == 1) {
    const n = <u32>b[i] << 16;
    out += alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63);
    if (pad) out += "==";
  } else if (rest == 2) {
    const n = (<u32>b[i] << 16) | (<u32>b[i + 1] << 8);
    out += alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63) + alphabet.charAt((n >> 6) & 63);
    if (pad) out += "=";
  }
  return out;
}

/** Standard base64 with padding. */
export function base64Encode(b: Uint8Array): string {
  return encode(b, B64, true);
}

/** base64url without padding (JWT). */
export function base64UrlEncode(b: Uint8Array): string {
  return encode(b, B64URL, false);
}

function sextet(c: i32, url: bool): i32 {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (url ? c == 45 : c == 43) return 62;
  if (url ? c == 95 : c == 47) return 63;
  return -1;
}

function decode(s: string, url: bool): Uint8Array | null {
  let len = s.length;
  while (len > 0 && s.charCodeAt(len - 1) == 61) len--; // padding is optional
  if (len % 4 == 1) return null;
  const out = new Uint8Array((len * 3) >> 2);
  let acc: u32 = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    const v = sextet(s.charCodeAt(i), url);
    if (v < 0) return null;
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = <u8>((acc >> <u32>bits) & 0xff);
    }
  }
  return out;
}

/** Decodes standard base64 (padding optional); null when invalid. */
export function base64Decode(s: string): Uint8Array | null {
  return decode(s, false);
}

/** Decodes base64url (padding optional); null when invalid. */
export function base64UrlDecode(s: string): Uint8Array | null {
  return decode(s, true);
}
