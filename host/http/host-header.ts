/**
 * RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header, to any
 * request with more than one, and to one whose value is not a valid authority. Routing on a
 * Host that two hops read differently is how cache poisoning and request routing confusion start.
 */
import type { RequestHead } from './request-head.js';

/**
 * uri-host [":" port] (RFC 3986 §3.2.2): an IP-literal in brackets, or a reg-name / IPv4 of
 * unreserved, pct-encoded and sub-delim characters. No space, '/', '?', '#' or '@' (userinfo).
 */
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::[0-9]{0,5})?$/;

/**
 * What is wrong with the Host header(s) of an HTTP/1.x request, from its scanned head, as the
 * response_code_details to log; undefined when Host is acceptable. An HTTP/1.0 request may omit
 * Host or send it empty.
 */
export function hostHeaderProblem(head: RequestHead, minorVersion: number): string | undefined {
  if (head.hostCount > 1) return 'duplicate_host';
  if (head.hostCount === 0) return minorVersion >= 1 ? 'missing_host' : undefined;
  const host = head.authority;
  if (host === '') return minorVersion >= 1 ? 'invalid_host' : undefined;
  return AUTHORITY.test(host) ? undefined : 'invalid_host';
}
