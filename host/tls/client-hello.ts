/**
 * Reads the server name (SNI) and offered ALPN protocols from a TLS ClientHello in the first
 * bytes of a connection, without consuming them (Envoy's tls_inspector): the caller peeks, this
 * parses, and the bytes are handed on untouched to TLS termination or a passthrough upstream.
 * RFC 8446 §4.1.2 (ClientHello), RFC 6066 §3 (server_name), RFC 7301 §3.1 (ALPN).
 */

/** What the first bytes of a connection turned out to be. */
export type HelloResult =
  | { kind: 'tls'; serverName: string; alpn: string[] }
  /** Not a TLS handshake (cleartext, or garbage). */
  | { kind: 'raw' }
  /** A TLS record has begun but the ClientHello is not complete yet. */
  | { kind: 'more' };

/** A ClientHello larger than this is not inspected (treated as TLS without SNI / ALPN). */
export const MAX_HELLO_BYTES = 64 * 1024;

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;

/** Parses `data` (everything received so far). */
export function parseClientHello(data: Buffer): HelloResult {
  if (data.length === 0) return { kind: 'more' };
  if (data[0] !== HANDSHAKE) return { kind: 'raw' };
  if (data.length >= 2 && data[1] !== 0x03) return { kind: 'raw' };
  // Join the payloads of the handshake records until the ClientHello message is whole.
  const parts: Buffer[] = [];
  let have = 0;
  let need = -1;
  let off = 0;
  while (off + 5 <= data.length) {
    if (data[off] !== HANDSHAKE) return { kind: 'raw' };
    const len = data.readUInt16BE(off + 3);
    if (off + 5 + len > data.length) break;
    parts.push(data.subarray(off + 5, off + 5 + len));
    have += len;
    off += 5 + len;
    if (need < 0 && have >= 4) {
      const msg = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      if (msg[0] !== CLIENT_HELLO) return { kind: 'raw' };
      need = 4 + msg.readUIntBE(1, 3);
    }
    if (need >= 0 && have >= need) return parseHello(Buffer.concat(parts).subarray(4, need));
  }
  if (data.length >= MAX_HELLO_BYTES) return { kind: 'tls', serverName: '', alpn: [] };
  return { kind: 'more' };
}

/** The ClientHello body (after the 4-byte handshake header). Malformed → TLS without names. */
function parseHello(b: Buffer): HelloResult {
  const out = { kind: 'tls' as const, serverName: '', alpn: [] as string[] };
  let p = 2 + 32; // legacy_version, random
  if (p >= b.length) return out;
  p += 1 + b[p]!; // session id
  if (p + 2 > b.length) return out;
  p += 2 + b.readUInt16BE(p); // cipher suites
  if (p >= b.length) return out;
  p += 1 + b[p]!; // compression methods
  if (p + 2 > b.length) return out;
  const end = Math.min(b.length, p + 2 + b.readUInt16BE(p));
  p += 2;
  while (p + 4 <= end) {
    const type = b.readUInt16BE(p);
    const len = b.readUInt16BE(p + 2);
    const ext = b.subarray(p + 4, Math.min(end, p + 4 + len));
    p += 4 + len;
    if (type === EXT_SERVER_NAME) out.serverName = serverName(ext);
    else if (type === EXT_ALPN) out.alpn = alpnList(ext);
  }
  return out;
}

function serverName(ext: Buffer): string {
  let p = 2; // list length
  while (p + 3 <= ext.length) {
    const type = ext[p]!;
    const len = ext.readUInt16BE(p + 1);
    if (type === 0) return ext.toString('latin1', p + 3, Math.min(ext.length, p + 3 + len)).toLowerCase();
    p += 3 + len;
  }
  return '';
}

function alpnList(ext: Buffer): string[] {
  const out: string[] = [];
  let p = 2; // list length
  while (p < ext.length) {
    const len = ext[p]!;
    if (p + 1 + len > ext.length) break;
    out.push(ext.toString('latin1', p + 1, p + 1 + len));
    p += 1 + len;
  }
  return out;
}
