/**
 * Endpoint addresses as configured ("host:port", "[v6]:port") and the origins undici is given.
 * Parsed once when a cluster is built; nothing here runs per request.
 */
import { isIP } from 'node:net';

/** A configured endpoint address split into host and port. */
export interface ParsedAddress {
  /** Hostname or IP literal, without IPv6 brackets. */
  host: string;
  port: number;
  /** True when `host` is an IP literal (static endpoint, never resolved). */
  isIp: boolean;
}

/**
 * Splits "host:port" or "[v6]:port". Returns an error message instead of throwing so the
 * caller can prefix it with the config path.
 */
export function parseAddress(address: string): ParsedAddress | string {
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0 || address[close + 1] !== ':') return `"${address}" is not [ipv6]:port`;
    host = address.slice(1, close);
    portText = address.slice(close + 2);
    if (isIP(host) !== 6) return `"${host}" is not an IPv6 address`;
  } else {
    const colon = address.lastIndexOf(':');
    if (colon <= 0) return `"${address}" is not host:port`;
    host = address.slice(0, colon);
    portText = address.slice(colon + 1);
    // A bare IPv6 literal has several colons; demand brackets so the port is unambiguous.
    if (host.includes(':')) return `"${address}": put IPv6 addresses in brackets, e.g. [::1]:80`;
  }
  if (!/^[0-9]{1,5}$/.test(portText)) return `"${address}" has no valid port`;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `"${address}": port must be 1-65535`;
  if (host.length === 0) return `"${address}" has no host`;
  return { host, port, isIp: isIP(host) !== 0 };
}

/** "http://ip:port", with IPv6 in brackets as URLs require. */
export function originFor(ip: string, port: number, secure = false): string {
  const scheme = secure ? 'https' : 'http';
  return isIP(ip) === 6 ? `${scheme}://[${ip}]:${port}` : `${scheme}://${ip}:${port}`;
}
