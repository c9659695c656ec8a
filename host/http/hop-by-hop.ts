/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, so a proxy consumes them
 * and never forwards them, in either direction. `Connection` may name more of them per message.
 *
 * Names here are lower-case; callers lower-case once while they scan the raw headers anyway.
 */

/**
 * True for a header that is never forwarded. `te` is handled by the caller: only "trailers" may
 * pass upstream. Expect is consumed here too: node:http answers `100-continue` itself (and 417
 * for anything else) before the request reaches the gateway, and undici refuses the header.
 */
export function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2:
      return name === 'te';
    case 6:
      return name === 'expect';
    case 7:
      return name === 'upgrade';
    case 10:
      return name === 'keep-alive' || name === 'connection';
    case 16:
      return name === 'proxy-connection';
    case 17:
      return name === 'transfer-encoding';
    case 18:
      return name === 'proxy-authenticate';
    case 19:
      return name === 'proxy-authorization';
    default:
      return false;
  }
}

/**
 * Extra header names a `Connection` value lists (beyond close / keep-alive), lower-cased; empty
 * when there are none, which is the common case and allocates nothing more than the split.
 */
export function connectionTokens(value: string): string[] {
  const out: string[] = [];
  // What nearly every client sends: nothing beyond the connection's own options.
  if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') return out;
  if (value.indexOf(',') < 0) {
    const t = value.trim().toLowerCase();
    if (t !== '' && t !== 'close' && t !== 'keep-alive') out.push(t);
    return out;
  }
  for (const part of value.split(',')) {
    const t = part.trim().toLowerCase();
    if (t !== '' && t !== 'close' && t !== 'keep-alive') out.push(t);
  }
  return out;
}

/** Removes every pair whose name is in `names` from a flat [name, value, ...] list, in place. */
export function removeNamed(flat: string[], names: readonly string[]): void {
  let w = 0;
  for (let r = 0; r < flat.length; r += 2) {
    if (names.includes(flat[r]!)) continue;
    flat[w++] = flat[r]!;
    flat[w++] = flat[r + 1]!;
  }
  flat.length = w;
}

/** True when a TE value asks for nothing but trailers (the one TE that may be forwarded). */
export function isTeTrailersOnly(value: string): boolean {
  return value.trim().toLowerCase() === 'trailers';
}
