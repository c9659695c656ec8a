/**
 * RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header, to any
 * request with more than one, and to one whose value is not a valid authority. Routing on a
 * Host that two hops read differently is how cache poisoning and request routing confusion start.
 */

/**
 * uri-host [":" port] (RFC 3986 §3.2.2): an IP-literal in brackets, or a reg-name / IPv4 of
 * unreserved, pct-encoded and sub-delim characters. No space, '/', '?', '#' or '@' (userinfo).
 */
const AUTHORITY = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::[0-9]{0,5})?$/;

/**
 * What is wrong with the Host header(s) in node's rawHeaders ([name, value, ...]) of an HTTP/1.x
 * request, as the response_code_details to log; undefined when Host is acceptable. An HTTP/1.0
 * request may omit Host or send it empty.
 */
export function hostHeaderProblem(raw: readonly string[], minorVersion: number): string | undefined {
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // Cheap length test first: this runs for every request.
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    if (host !== undefined) return 'duplicate_host';
    host = raw[i + 1]!;
  }
  if (host === undefined) return minorVersion >= 1 ? 'missing_host' : undefined;
  if (host === '') return minorVersion >= 1 ? 'invalid_host' : undefined;
  return AUTHORITY.test(host) ? undefined : 'invalid_host';
}
