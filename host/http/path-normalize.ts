/**
 * Request path normalization (RFC 3986 §6.2.2: percent-decoding of unreserved characters and
 * dot-segment removal), applied before routing so `/api/../admin` or `/api/%2e%2e/admin` cannot
 * match a `/api` prefix and reach the upstream as `/admin` (Envoy's `normalize_path`). The query
 * is left alone. Most paths have neither `/.` nor `%`, and are returned as they are.
 */

const HEX = '0123456789ABCDEF';

/** The normalized path, or `path` itself when nothing changes (no allocation then). */
export function normalizePath(path: string): string {
  if (path.charCodeAt(0) !== 47 /* / */) return path; // `*` (OPTIONS) and the like
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  if (p.indexOf('/.') < 0 && p.indexOf('%') < 0) return path;
  const decoded = p.indexOf('%') < 0 ? p : decodeUnreserved(p);
  const out = removeDotSegments(decoded);
  if (out === p) return path;
  return q < 0 ? out : out + path.slice(q);
}

/** `%2E` → `.`, `%7e` → `~`, …: only unreserved characters (ALPHA DIGIT - . _ ~); other escapes are uppercased. */
function decodeUnreserved(p: string): string {
  let out = '';
  let from = 0;
  for (let i = p.indexOf('%'); i >= 0 && i + 2 < p.length; i = p.indexOf('%', i + 1)) {
    const h = hexValue(p.charCodeAt(i + 1));
    const l = hexValue(p.charCodeAt(i + 2));
    if (h < 0 || l < 0) continue;
    const c = h * 16 + l;
    out += p.slice(from, i) + (isUnreserved(c) ? String.fromCharCode(c) : `%${HEX[h]}${HEX[l]}`);
    from = i + 3;
    i += 2;
  }
  return from === 0 ? p : out + p.slice(from);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function isUnreserved(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 || c === 126;
}

/** RFC 3986 §5.2.4 on an absolute path: `.` segments go, `..` drops the one before (never above the root). */
function removeDotSegments(p: string): string {
  if (p.indexOf('/.') < 0) return p;
  const segs = p.split('/');
  const out: string[] = [];
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i]!;
    const last = i === segs.length - 1;
    if (s === '.' || s === '..') {
      if (s === '..') out.pop();
      if (last) out.push(''); // `/a/b/..` → `/a/`: the path still names a directory
    } else out.push(s);
  }
  return '/' + out.join('/');
}
