/**
 * IPv4 and IPv6 addresses and CIDR ranges. Every address is held as 16 bytes; IPv4 is mapped
 * into ::ffff:0:0/96 (RFC 4291 §2.5.5.2), so a v4 rule also matches a v4-mapped client.
 */

/** Parses dotted-quad `s` into out[at..at+4]; false when it is not exactly four 0-255 parts. */
function parseV4Into(s: string, out: Uint8Array, at: i32): bool {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c == 46) {
      // No empty parts, no leading zeros ("01"), at most four parts.
      if (digits == 0 || part > 3 || (digits > 1 && s.charCodeAt(i - digits) == 48)) return false;
      out[at + part] = <u8>value;
      part++;
      value = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57 || ++digits > 3) return false;
    value = value * 10 + (c - 48);
    if (value > 255) return false;
  }
  return part == 4;
}

function hexGroup(g: string): i32 {
  if (g.length == 0 || g.length > 4) return -1;
  let v = 0;
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    let d = -1;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/** Parses groups of one side of "::" into 16-bit words (an IPv4 tail counts as two). */
function groups(s: string, allowV4Tail: bool): Array<i32> | null {
  const out = new Array<i32>();
  if (s.length == 0) return out;
  const parts = s.split(":");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (allowV4Tail && i == parts.length - 1 && p.includes(".")) {
      const b = new Uint8Array(4);
      if (!parseV4Into(p, b, 0)) return null;
      out.push((<i32>b[0] << 8) | b[1]);
      out.push((<i32>b[2] << 8) | b[3]);
      continue;
    }
    const v = hexGroup(p);
    if (v < 0) return null;
    out.push(v);
  }
  return out;
}

/** Parses an IPv4 or IPv6 address (zone ids not accepted) into 16 bytes; null when invalid. */
export function parseIp(s: string): Uint8Array | null {
  const out = new Uint8Array(16);
  if (!s.includes(":")) {
    out[10] = 0xff;
    out[11] = 0xff;
    return parseV4Into(s, out, 12) ? out : null;
  }
  const dbl = s.indexOf("::");
  let words: Array<i32>;
  if (dbl >= 0) {
    if (s.indexOf("::", dbl + 1) >= 0) return null;
    const head = groups(s.substring(0, dbl), false);
    const tail = groups(s.substring(dbl + 2), true);
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    words = head;
    for (let i = head.length + tail.length; i < 8; i++) words.push(0);
    words = words.concat(tail);
  } else {
    const all = groups(s, true);
    if (all === null || all.length != 8) return null;
    words = all;
  }
  for (let i = 0; i < 8; i++) {
    out[i * 2] = <u8>(words[i] >> 8);
    out[i * 2 + 1] = <u8>(words[i] & 0xff);
  }
  return out;
}

/** A CIDR range. */
export class Cidr {
  constructor(public base: Uint8Array, public prefix: i32) {}

  /** Whether `ip` (16 bytes) is inside the range. */
  contains(ip: Uint8Array): bool {
    let bits = this.prefix;
    for (let i = 0; i < 16 && bits > 0; i++) {
      const mask: u32 = bits >= 8 ? 0xff : (<u32>0xff << <u32>(8 - bits)) & 0xff;
      if ((<u32>ip[i] & mask) != (<u32>this.base[i] & mask)) return false;
      bits -= 8;
    }
    return true;
  }
}

/** Parses "a.b.c.d/n", "v6/n" or a bare address (a /32 or /128); null when invalid. */
export function parseCidr(s: string): Cidr | null {
  const slash = s.indexOf("/");
  const addr = slash < 0 ? s : s.substring(0, slash);
  const ip = parseIp(addr);
  if (ip === null) return null;
  const v4 = !addr.includes(":");
  const max = v4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.substring(slash + 1);
    if (p.length == 0 || p.length > 3) return null;
    prefix = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      prefix = prefix * 10 + (c - 48);
    }
    if (prefix > max) return null;
  }
  return new Cidr(ip, v4 ? prefix + 96 : prefix);
}

/** Strips a port (`1.2.3.4:5`, `[::1]:5`) and an IPv6 zone (`fe80::1%eth0`) from an address. */
export function hostPart(address: string): string {
  let a = address;
  if (a.startsWith("[")) {
    const end = a.indexOf("]");
    a = end < 0 ? a : a.substring(1, end);
  } else {
    const c = a.indexOf(":");
    if (c >= 0 && c == a.lastIndexOf(":")) a = a.substring(0, c);
  }
  const zone = a.indexOf("%");
  return zone >= 0 ? a.substring(0, zone) : a;
}
