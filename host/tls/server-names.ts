/**
 * Server-name patterns for SNI: exact names and leading wildcards (`*.example.com`), compared
 * case-insensitively. Certificates follow RFC 6125 (a wildcard covers one label); filter chains
 * follow Envoy (a wildcard covers any depth, and the longest suffix is the most specific).
 */

/**
 * How specifically `pattern` matches `name`: -1 no match; exact names beat every wildcard;
 * among wildcards a longer suffix wins. `oneLabel` limits a wildcard to a single label.
 */
export function nameMatchScore(pattern: string, name: string, oneLabel = false): number {
  const p = pattern.toLowerCase();
  if (!p.startsWith('*.')) return p === name ? 1_000_000 : -1;
  const suffix = p.slice(1); // ".example.com"
  if (name.length <= suffix.length || !name.endsWith(suffix)) return -1;
  if (oneLabel && name.slice(0, name.length - suffix.length).includes('.')) return -1;
  return suffix.length;
}

/** Best score of any of `patterns` for `name` (-1 when none matches). */
export function bestNameScore(patterns: readonly string[], name: string, oneLabel = false): number {
  let best = -1;
  for (const p of patterns) best = Math.max(best, nameMatchScore(p, name, oneLabel));
  return best;
}
