/**
 * A route's hash_policy compiled into one function: each policy hashes one request property
 * (header, source IP, cookie); the hashes are combined in order, and a `terminal` policy that
 * produced a hash stops the walk (Envoy semantics).
 */
import type { HashPolicyConfig } from '../config/types.js';
import type { RouteRequest } from './contract.js';
import { combineHash, hashString } from './hash.js';

/** The hash of a request for ring_hash / maglev, or undefined when no policy produced one. */
export type HashComputer = (req: RouteRequest, sourceIp: string) => number | undefined;

/** For routes without hash_policy: the load balancer picks at random. */
export const noHash: HashComputer = () => undefined;

/** The value of cookie `name` in a Cookie header ("a=1; b=2"), or undefined. No allocation but the result. */
export function cookieValue(header: string, name: string): string | undefined {
  let i = 0;
  while (i < header.length) {
    // Skip the separator's whitespace.
    while (i < header.length && (header.charCodeAt(i) === 32 || header.charCodeAt(i) === 9)) i++;
    let end = header.indexOf(';', i);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', i);
    if (eq >= 0 && eq < end && eq - i === name.length && header.startsWith(name, i)) {
      let v = header.slice(eq + 1, end).trim();
      // A quoted cookie value (RFC 6265 allows DQUOTE around it) hashes as its content.
      if (v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34) v = v.slice(1, -1);
      return v;
    }
    i = end + 1;
  }
  return undefined;
}

type PolicyHash = (req: RouteRequest, sourceIp: string) => number | undefined;

function headerValue(req: RouteRequest, name: string): string | undefined {
  if (name === ':authority' || name === 'host') return req.authority;
  if (name === ':path') return req.path;
  if (name === ':method') return req.method;
  const v = req.headers[name];
  if (v === undefined || typeof v === 'string') return v;
  return v.join(',');
}

function compileOne(p: HashPolicyConfig, where: string): PolicyHash {
  const kinds = (p.header ? 1 : 0) + (p.connection_properties ? 1 : 0) + (p.cookie ? 1 : 0);
  if (kinds !== 1) throw new Error(`${where}: exactly one of header, connection_properties, cookie is required`);
  if (p.header) {
    const name = p.header.header_name.toLowerCase();
    return (req) => {
      const v = headerValue(req, name);
      return v === undefined ? undefined : hashString(v);
    };
  }
  if (p.cookie) {
    const name = p.cookie.name;
    return (req) => {
      const raw = req.headers.cookie;
      if (raw === undefined) return undefined;
      // HTTP/2 may split cookies over several header fields; any of them may hold ours.
      if (typeof raw === 'string') {
        const v = cookieValue(raw, name);
        return v === undefined ? undefined : hashString(v);
      }
      for (const h of raw) {
        const v = cookieValue(h, name);
        if (v !== undefined) return hashString(v);
      }
      return undefined;
    };
  }
  if (p.connection_properties!.source_ip) {
    return (_req, ip) => (ip ? hashString(ip) : undefined);
  }
  return () => undefined;
}

/** Compiles a route's hash_policy list; `where` is the config path for load errors. */
export function compileHashPolicy(policies: readonly HashPolicyConfig[] | undefined, where: string): HashComputer {
  if (!policies || policies.length === 0) return noHash;
  const fns = policies.map((p, i) => compileOne(p, `${where}[${i}]`));
  const terminal = policies.map((p) => p.terminal === true);
  if (fns.length === 1) return fns[0]!;
  return (req, ip) => {
    let acc: number | undefined;
    for (let i = 0; i < fns.length; i++) {
      const h = fns[i]!(req, ip);
      if (h === undefined) continue;
      acc = acc === undefined ? h : combineHash(acc, h);
      if (terminal[i]) break;
    }
    return acc;
  };
}
