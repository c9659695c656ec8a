/**
 * Properties (reference §5.3): request, connection, upstream and plugin attributes, read by
 * path. Paths are written with dots, `"request.path"`, `"source.address"`, and sent to the host
 * as NUL-separated segments. Values come back as bytes; the typed readers accept both
 * encodings hosts use (Envoy: 8-byte little-endian integers and 1-byte bools; nginx: text).
 */
import { proxy_get_property, proxy_set_property } from "../abi/imports";
import { WasmResult } from "../abi/enums";
import { OUT_PTR, OUT_SIZE, dropBytes, fromUtf8, resetOut, takeBytes, utf8 } from "../abi/memory";

/** Encodes a dotted path (`"request.headers.x-user"` → `request\0headers\0x-user`). */
function encodePath(path: string): ArrayBuffer {
  return utf8(path.replaceAll(".", "\0"));
}

/** Encodes explicit segments, for keys that contain dots. */
function encodeSegments(segments: Array<string>): ArrayBuffer {
  return utf8(segments.join("\0"));
}

function getRaw(path: ArrayBuffer): ArrayBuffer | null {
  resetOut();
  const status = proxy_get_property(changetype<usize>(path), path.byteLength, OUT_PTR, OUT_SIZE);
  if (status != WasmResult.Ok) {
    dropBytes();
    return null;
  }
  return takeBytes();
}

/** Raw bytes of the property at a dotted `path`, or null when the host has none. */
export function getProperty(path: string): ArrayBuffer | null {
  return getRaw(encodePath(path));
}

/** Raw bytes of the property at `segments` (use when a segment contains a dot). */
export function getPropertySegments(segments: Array<string>): ArrayBuffer | null {
  return getRaw(encodeSegments(segments));
}

/** The property as text, or null. */
export function getPropertyString(path: string): string | null {
  const b = getProperty(path);
  return b === null ? null : fromUtf8(b);
}

/**
 * The property as an integer: 8 bytes are read as little-endian i64, anything else is parsed
 * as decimal text. `fallback` when absent or unparseable.
 */
export function getPropertyInt(path: string, fallback: i64 = 0): i64 {
  const b = getProperty(path);
  if (b === null) return fallback;
  if (b.byteLength == 8) return load<i64>(changetype<usize>(b));
  const s = fromUtf8(b);
  if (s.length == 0) return fallback;
  let v: i64 = 0;
  let neg = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (i == 0 && c == 45) { neg = true; continue; }
    if (c < 48 || c > 57) return fallback;
    v = v * 10 + <i64>(c - 48);
  }
  return neg ? -v : v;
}

/** The property as a bool: one byte non-zero, or the text "true". `fallback` when absent. */
export function getPropertyBool(path: string, fallback: bool = false): bool {
  const b = getProperty(path);
  if (b === null) return fallback;
  if (b.byteLength == 1) return load<u8>(changetype<usize>(b)) != 0;
  return fromUtf8(b) == "true";
}

/** Sets a property (the host keeps it for this stream, readable back and by later filters). */
export function setProperty(path: string, value: string): WasmResult {
  const p = encodePath(path);
  const v = utf8(value);
  return <WasmResult>proxy_set_property(changetype<usize>(p), p.byteLength, changetype<usize>(v), v.byteLength);
}

/**
 * Removes the port from an address as hosts format it: `1.2.3.4:80`, `[::1]:80`, or
 * `::1:80` when `port` is known (some hosts do not bracket IPv6). A bare address is returned
 * as it is.
 */
export function stripPort(address: string, port: i64 = -1): string {
  if (address.startsWith("[")) {
    const end = address.indexOf("]");
    return end < 0 ? address : address.substring(1, end);
  }
  const first = address.indexOf(":");
  if (first < 0) return address;
  if (first == address.lastIndexOf(":")) return address.substring(0, first);
  if (port >= 0) {
    const suffix = ":" + port.toString();
    if (address.endsWith(suffix)) return address.substring(0, address.length - suffix.length);
  }
  return address;
}

// Encoded once: clientIp() runs per request in several filters.
let sourceAddressPath: ArrayBuffer | null = null;
let sourcePortPath: ArrayBuffer | null = null;

/** The client's IP address (no port), from `source.address` / `source.port`; null if unknown. */
export function clientIp(): string | null {
  let p = sourceAddressPath;
  if (p === null) sourceAddressPath = p = encodePath("source.address");
  const raw = getRaw(p);
  if (raw === null) return null;
  const address = fromUtf8(raw);
  // Only an unbracketed IPv6 address with a port is ambiguous: ask for the port then.
  const first = address.indexOf(":");
  if (first < 0 || address.startsWith("[") || first == address.lastIndexOf(":")) return stripPort(address);
  let q = sourcePortPath;
  if (q === null) sourcePortPath = q = encodePath("source.port");
  const portBytes = getRaw(q);
  const port: i64 = portBytes !== null && portBytes.byteLength == 8 ? load<i64>(changetype<usize>(portBytes)) : -1;
  return stripPort(address, port);
}
