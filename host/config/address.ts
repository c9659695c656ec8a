/**
 * host:port addresses as written in config (listeners, admin, endpoints): an IPv4 address, a
 * bracketed IPv6 address ("[::1]:8080") or a hostname, then a port 0-65535.
 */
import { isIP } from 'node:net';

/** A parsed address. IPv6 hosts are returned without brackets. */
export interface HostPort {
  host: string;
  port: number;
  /** 4 or 6 for IP literals, 0 for hostnames. */
  family: 0 | 4 | 6;
}

const HOSTNAME_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** Parses "host:port"; undefined when it is not a valid address. */
export function parseAddress(s: string): HostPort | undefined {
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const portText = s.slice(colon + 1);
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  const hostText = s.slice(0, colon);
  if (hostText.startsWith('[')) {
    if (!hostText.endsWith(']')) return undefined;
    const host = hostText.slice(1, -1);
    return isIP(host) === 6 ? { host, port, family: 6 } : undefined;
  }
  // An unbracketed IPv6 literal is ambiguous with the port separator: require brackets.
  if (hostText.includes(':')) return undefined;
  if (isIP(hostText) === 4) return { host: hostText, port, family: 4 };
  // Dotted all-numeric names that are not valid IPv4 (e.g. 300.1.1.1) are mistakes, not hosts.
  if (/^[0-9.]+$/.test(hostText)) return undefined;
  return isHostname(hostText) ? { host: hostText.toLowerCase(), port, family: 0 } : undefined;
}

/** True for an RFC 1123 hostname (labels of letters, digits and inner hyphens, ≤ 253 chars). */
export function isHostname(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

/** True for the any-address hosts that bind every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}
