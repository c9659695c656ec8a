/**
 * The string identity a hashing balancer places on its ring or table: "ip:port". It is what
 * stays stable across DNS refreshes and config reloads, so the same backend keeps its keys.
 */
import type { Endpoint } from '../contract.js';
import { hashString } from '../../router/hash.js';

/** "ip:port" ("[v6]:port" for IPv6), the key hashed for ring and table placement. */
export function endpointKey(ep: Endpoint): string {
  return ep.ip.includes(':') ? `[${ep.ip}]:${ep.port}` : `${ep.ip}:${ep.port}`;
}

/** The router's 32-bit hash of an endpoint's key (same function as request hashes). */
export function hashEndpoint(ep: Endpoint, salt = ''): number {
  return hashString(salt === '' ? endpointKey(ep) : `${endpointKey(ep)}${salt}`);
}
