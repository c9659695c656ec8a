/**
 * Virtual host selection on Host / :authority, compiled once from the `domains` of each
 * virtual host. Precedence is Envoy's: exact > suffix wildcard (`*.example.com`, longest suffix
 * first) > prefix wildcard (`api.*`, longest prefix first) > `*`.
 *
 * Matching is case-insensitive. The port in the authority is ignored, except by domains that
 * carry a port themselves (`api.example.com:8080`): those are tried first, against the whole
 * authority, and only when the request has a port.
 */

/** Domain table for one tier (with or without port): the four kinds of pattern. */
interface DomainTable<T> {
  exact: Map<string, T>;
  /** Suffixes (pattern without the leading `*`), longest first. */
  suffixes: { suffix: string; value: T }[];
  /** Prefixes (pattern without the trailing `*`), longest first. */
  prefixes: { prefix: string; value: T }[];
  any: T | undefined;
}

function emptyTable<T>(): DomainTable<T> {
  return { exact: new Map(), suffixes: [], prefixes: [], any: undefined };
}

/** True when a domain pattern names a port (`host:port`, `[v6]:port`). */
function domainHasPort(domain: string): boolean {
  const colon = domain.lastIndexOf(':');
  if (colon < 0) return false;
  // A bare IPv6 literal has colons but its last one is inside the brackets.
  return domain.indexOf(']') < colon;
}

/**
 * Index just past the host part of an authority: the position of the port's colon, or the
 * length when there is no port. Handles bracketed IPv6 literals.
 */
export function hostEnd(authority: string): number {
  const colon = authority.lastIndexOf(':');
  if (colon < 0) return authority.length;
  if (authority.charCodeAt(0) === 91 /* [ */) {
    const close = authority.indexOf(']');
    return close >= 0 && colon > close ? colon : authority.length;
  }
  // More than one colon without brackets: an unbracketed IPv6 literal, no port.
  return authority.indexOf(':') === colon ? colon : authority.length;
}

/** Selects a value (the compiled virtual host) by request authority. Immutable once built. */
export class VirtualHostSelector<T> {
  private readonly plain: DomainTable<T> = emptyTable<T>();
  private readonly ported: DomainTable<T> = emptyTable<T>();
  private hasPorted = false;
  /** Only `*` so far: every authority selects it. */
  private onlyAny = false;

  /**
   * Adds every domain of one virtual host. Returns an error message for a domain that is
   * malformed or already taken by an earlier virtual host (Envoy rejects duplicates), else undefined.
   */
  add(domains: readonly string[], value: T): string | undefined {
    for (const raw of domains) {
      const d = raw.toLowerCase();
      const ported = domainHasPort(d);
      const t = ported ? this.ported : this.plain;
      if (ported) this.hasPorted = true;
      if (d === '*') {
        if (t.any !== undefined) return `domain "${raw}" is listed more than once`;
        t.any = value;
      } else if (d.startsWith('*')) {
        const suffix = d.slice(1);
        if (suffix.includes('*')) return `domain "${raw}": only one wildcard, at the start or the end`;
        if (t.suffixes.some((s) => s.suffix === suffix)) return `domain "${raw}" is listed more than once`;
        t.suffixes.push({ suffix, value });
      } else if (d.endsWith('*')) {
        const prefix = d.slice(0, -1);
        if (prefix.includes('*')) return `domain "${raw}": only one wildcard, at the start or the end`;
        if (t.prefixes.some((p) => p.prefix === prefix)) return `domain "${raw}" is listed more than once`;
        t.prefixes.push({ prefix, value });
      } else {
        if (d.includes('*')) return `domain "${raw}": only one wildcard, at the start or the end`;
        if (d === '') return 'empty domain';
        if (t.exact.has(d)) return `domain "${raw}" is listed more than once`;
        t.exact.set(d, value);
      }
    }
    // Longest wildcard wins: keep both lists sorted so the first hit is the answer.
    for (const t of [this.plain, this.ported]) {
      t.suffixes.sort((a, b) => b.suffix.length - a.suffix.length);
      t.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    }
    this.onlyAny =
      !this.hasPorted && this.plain.exact.size === 0 && this.plain.suffixes.length === 0 && this.plain.prefixes.length === 0;
    return undefined;
  }

  /** The value for this authority, or undefined when no domain matches. */
  select(authority: string): T | undefined {
    // The common single-host config (`domains: ["*"]`) needs no look at the authority at all.
    if (this.onlyAny) return this.plain.any;
    // toLowerCase returns the same string when there is nothing to lower, so this is usually free.
    const a = authority.toLowerCase();
    const end = hostEnd(a);
    if (end < a.length && this.hasPorted) {
      const v = lookup(this.ported, a, a.length);
      if (v !== undefined) return v;
    }
    return lookup(this.plain, a, end);
  }
}

/** Looks `host.slice(0, end)` up in one table without slicing unless an exact lookup needs it. */
function lookup<T>(t: DomainTable<T>, host: string, end: number): T | undefined {
  if (t.exact.size > 0) {
    const v = t.exact.get(end === host.length ? host : host.slice(0, end));
    if (v !== undefined) return v;
  }
  // A wildcard stands for at least one character (Envoy): "*.a.com" does not match ".a.com".
  for (const s of t.suffixes) {
    if (end > s.suffix.length && host.endsWith(s.suffix, end)) return s.value;
  }
  for (const p of t.prefixes) {
    if (end > p.prefix.length && host.startsWith(p.prefix)) return p.value;
  }
  return t.any;
}
